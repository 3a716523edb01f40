# The portal's image: gunicorn for the web, the same image for the Celery worker and beat.
# Front-end packages come from npm at build time (never a CDN); static files are collected into
# the image and served by WhiteNoise with hashed names.

FROM node:20-bookworm-slim AS frontend
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
# The stylesheet is built from Bootstrap's Sass sources and trimmed to the classes the templates,
# Python code and scripts use (frontend/build.mjs), so PurgeCSS needs the sources; then the
# build tools leave the image.
COPY . /src
RUN cp -r node_modules /src/ && cd /src && npm run build && cp -r build /build/ \
    && cd /build && npm prune --omit=dev --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint needs Pango (the PDF fonts come from npm, ADR 0200); gettext compiles translations;
# Poppler draws the draft result's pages for the head's page (ADR 0320).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext poppler-utils \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 portal
WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt
COPY --chown=portal:portal . .
COPY --from=frontend --chown=portal:portal /build/node_modules ./node_modules
COPY --from=frontend --chown=portal:portal /build/build ./build
# Build-time only values: collectstatic and compilemessages need settings to import.
RUN DJANGO_SECRET_KEY=build-only DJANGO_DEBUG=false python manage.py collectstatic --no-input \
    && DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv --ignore=node_modules \
    && mkdir -p /app/media /app/var && chown portal:portal /app/media /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
