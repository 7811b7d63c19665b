# Switchyard in a container: built in one stage, run from a slim one as an unprivileged user.
#
#   docker build -t switchyard .
#   docker run -p 8080:8080 -v switchyard-data:/data -e SWITCHYARD_PUBLIC_URL=https://… switchyard

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-bookworm AS build
WORKDIR /src

# The dependencies, built against placeholder sources so that this layer is reused until the
# manifests or the lock file change. Cargo wants a file for every target the manifests declare.
COPY Cargo.toml Cargo.lock ./
COPY core/Cargo.toml core/
COPY fake-github/Cargo.toml fake-github/
RUN mkdir -p src core/src fake-github/src benches \
 && echo 'fn main() {}' > src/main.rs \
 && touch src/lib.rs core/src/lib.rs fake-github/src/lib.rs \
 && sed -n '/^\[\[bench\]\]/,/^name/s/^name = "\(.*\)"/benches\/\1.rs/p' Cargo.toml | xargs -r touch \
 && for dir in . core fake-github; do \
      sed -n 's/^path = "\(.*\)"/\1/p' "$dir/Cargo.toml" | while read -r target; do \
        mkdir -p "$dir/$(dirname "$target")" && touch "$dir/$target"; \
      done; \
    done \
 && cargo build --release --locked --bin switchyard

# The real sources. Touching them makes sure cargo rebuilds over the placeholders even when
# the copied files carry older timestamps.
COPY . .
RUN touch src/main.rs src/lib.rs core/src/lib.rs \
 && cargo build --release --locked --bin switchyard

FROM debian:bookworm-slim
# CA certificates: the GitHub client trusts the system's roots.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 switchyard \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin switchyard \
 && mkdir /data \
 && chown 10001:10001 /data
COPY --from=build /src/target/release/switchyard /usr/local/bin/switchyard

# /data holds the SQLite file and, after registering through the setup page, the App's
# credentials; mount a volume there to keep them.
ENV SWITCHYARD_LISTEN=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///data/switchyard.db \
    SWITCHYARD_CREDENTIALS_PATH=/data/switchyard-credentials.json \
    RUST_LOG=info
WORKDIR /data
USER 10001:10001
EXPOSE 8080
# Switchyard finishes running jobs on SIGTERM and exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/switchyard"]
CMD ["serve"]
