/// Finds the migrations folder: the flag, `./migrations`, or beside the binary (also from `.build/<config>/`).
enum MigrationsLocator {
    static func find(_ explicit: String?) -> String {
        if let explicit { return explicit }
        return FileLocator.candidates("migrations").first { FileLocator.exists($0, directory: true) } ?? "./migrations"
    }
}
