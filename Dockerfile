# draftbot: the chat adapters, the drafting core and the report renderer in one image.
#
#   docker build -t draftbot .
#   docker run --env-file .env -p 8080:8080 draftbot          # or: docker compose up -d (docs/deployment.md)
#
# The process is `draftbot run`: it applies the database migrations itself on start (several workers
# starting together take a PostgreSQL advisory lock, so only one migrates), then starts every platform
# whose credentials are in the environment.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user; /data is its working directory (the SQLite file lands there if no DATABASE_URL
# is given, and DRAFTBOT_TEMPLATES may point at a directory mounted under it).
RUN groupadd --system --gid 10001 draftbot \
 && useradd --system --uid 10001 --gid draftbot --home-dir /data --no-create-home --shell /usr/sbin/nologin draftbot \
 && mkdir -p /data \
 && chown draftbot:draftbot /data

# LibreOffice (Writer only, no GUI) for `compile pdf` / `download pdf`; without it those commands say
# how to install it and everything else works.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

# Install the project from its own files (pyproject.toml declares the dependencies and the packages).
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY drafting ./drafting
COPY storage ./storage
COPY templates ./templates
RUN pip install . \
 && rm -rf /src

WORKDIR /data
USER draftbot

# The webhook / HTTP port (Telegram webhook, Slack HTTP mode) and its health endpoint GET /healthz.
ENV DRAFTBOT_HTTP_PORT=8080
EXPOSE 8080

# `draftbot run` stops cleanly on SIGTERM (docker stop): adapters stop, the pool is closed.
STOPSIGNAL SIGTERM
CMD ["draftbot", "run"]
