import Glibc
import PolicyStore

/// Finds files shipped beside the binary: in the working folder, or in a parent of the binary's folder.
enum FileLocator {
    static func candidates(_ name: String) -> [String] {
        var candidates = ["./" + name]
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if count > 0 {
            let exe = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var dir = String(exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)])
            for _ in 0..<5 {
                candidates.append(dir + "/" + name)
                guard let slash = dir.lastIndex(of: "/") else { break }
                dir = String(dir[..<slash])
            }
        }
        return candidates
    }

    static func exists(_ path: String, directory: Bool) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && ((info.st_mode & S_IFMT) == S_IFDIR) == directory
    }

    /// The text of the named file (explicit path, else the first candidate that exists), or nil.
    static func read(_ explicit: String?, fallback name: String) -> String? {
        guard let path = explicit ?? candidates(name).first(where: { exists($0, directory: false) }) else { return nil }
        return try? TextFiles.read(path)
    }
}
