# topk-harness with its Debian packages: `docker build -t topk-harness .`, then `docker run --rm topk-harness --help`.
# Node 20 on Debian bookworm: bookworm's own nodejs is 18, below the harness's Node >= 20.19. The Debian packages come
# from scripts/install-system-deps.sh, the script .ci/run uses; the libtorch addon is built when libtorch installed.
# More package groups: --build-arg SYSTEM_DEPS_FLAGS="--with-browser --with-python-torch".
FROM node:20-bookworm-slim

ARG SYSTEM_DEPS_FLAGS=""
# node-gyp builds the addon against the image's own Node headers (/usr/local/include/node) instead of downloading them.
ENV npm_config_nodedir=/usr/local
WORKDIR /opt/topk-harness

# The Debian packages in their own layer, so that a code change does not reinstall them. apt-get's logs and the
# status (native=0|1) stay in /var/log/topk-harness-deps.
COPY scripts/install-system-deps.sh scripts/
RUN TOPK_SYSTEM_DEPS_STATUS=/var/log/topk-harness-deps/status \
      scripts/install-system-deps.sh $SYSTEM_DEPS_FLAGS --log-dir /var/log/topk-harness-deps \
    && rm -rf /var/lib/apt/lists/*

COPY . .
# npm ci builds dist/ (prepare) and, with libtorch installed, the addon (scripts/install-native.cjs); a missing addon
# is built again here so that a build error fails the image with its log
RUN npm ci --no-audit --no-fund \
    && if grep -qx native=1 /var/log/topk-harness-deps/status && [ ! -f native/build/Release/topk_libtorch.node ]; then npm run build:native; fi \
    && ln -s /opt/topk-harness/bin/topk-harness.js /usr/local/bin/topk-harness

ENTRYPOINT ["node", "/opt/topk-harness/bin/topk-harness.js"]
CMD ["--help"]
