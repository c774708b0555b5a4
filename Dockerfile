# netpold: build with Swift, run on a slim Debian with only the runtime libraries.
FROM swift:6.2-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libmicrohttpd-dev libsqlite3-dev libcurl4-openssl-dev libpq-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product netpold --static-swift-stdlib \
    && install -D .build/release/netpold /out/netpold
COPY migrations /out/migrations
COPY openapi.yaml /out/openapi.yaml

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libmicrohttpd12 libsqlite3-0 libcurl4 libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /var/lib/netpold netpold \
    && install -d -o netpold -g netpold /var/lib/netpold
COPY --from=build /out/ /opt/netpold/
USER netpold
WORKDIR /opt/netpold
EXPOSE 8080
VOLUME ["/var/lib/netpold"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["/opt/netpold/netpold", "serve", "--db", "/var/lib/netpold/netpold.db", "--host", "0.0.0.0", "--port", "8080", \
            "--migrations", "/opt/netpold/migrations", "--openapi", "/opt/netpold/openapi.yaml"]
