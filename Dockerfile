# Woken itself. Build from the repository root: docker build -t woken:dev .
FROM python:3.11.7-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/woken
COPY setup.cfg pyproject.toml README.md alembic.ini ./
COPY woken woken
COPY migrations migrations
# EXTRAS="[dask]": the image of the Dask stack (Woken, its scheduler and its workers).
ARG EXTRAS=""
RUN pip install --no-cache-dir -e ".${EXTRAS}"
ENV WOKEN_DATA_DIR=/var/lib/woken WOKEN_HOST=0.0.0.0
EXPOSE 8087
ENTRYPOINT ["/usr/bin/tini", "--", "woken"]
CMD ["serve"]
