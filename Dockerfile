# Woken itself. Build from the repository root: docker build -t woken:dev .
# Two stages: the first builds Woken's wheel from the sources, the second installs that
# wheel (what `pip install woken` installs), so the image runs exactly the package.
FROM python:3.11.7-slim-bookworm AS wheel
WORKDIR /src
COPY setup.cfg pyproject.toml MANIFEST.in README.md alembic.ini ./
COPY woken woken
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11.7-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
# EXTRAS="[dask]": the image of the Dask stack (Woken, its scheduler and its workers).
ARG EXTRAS=""
COPY --from=wheel /wheels /wheels
RUN pip install --no-cache-dir "$(ls /wheels/woken-*.whl)${EXTRAS}" && rm -rf /wheels
WORKDIR /opt/woken
ENV WOKEN_DATA_DIR=/var/lib/woken WOKEN_HOST=0.0.0.0
EXPOSE 8087
ENTRYPOINT ["/usr/bin/tini", "--", "woken"]
CMD ["serve"]
