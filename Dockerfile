# Concord's production image: one image for the web (ASGI), worker, beat and migrate
# services of docker-compose.yml. Build with `docker compose build` or `docker build .`.

# The pages' front-end libraries, pinned by package-lock.json (what `make assets` does).
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && npm run --silent vendor

FROM python:3.11-slim

# PYTHONPATH: import the project from /app, not from the copy `pip install .` puts in
# site-packages, because settings find templates/ and static/ next to the package.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first, in their own layer, so that a code change does not reinstall them.
# They are the pinned [project] dependencies of pyproject.toml, without the dev extras.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md manage.py ./
COPY coordination ./coordination
COPY ledger ./ledger
COPY agencies ./agencies
COPY sharing ./sharing
COPY incidents ./incidents
COPY demo ./demo
COPY templates ./templates
COPY static ./static
COPY --from=assets /build/static/vendor ./static/vendor
RUN pip install . && rm -rf build ./*.egg-info

# Static files with the hashed manifest storage of CONCORD_ENV=production. Production
# settings refuse to load without a secret key and a host list, so this step alone gets
# throwaway values; they are not kept in the image's environment.
RUN CONCORD_ENV=production \
    SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime-0123456789 \
    ALLOWED_HOSTS=build.invalid \
    python manage.py collectstatic --noinput

RUN useradd --system --user-group --uid 10001 --create-home --home-dir /home/concord \
        --shell /usr/sbin/nologin concord
USER concord

EXPOSE 8000
CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "coordination.asgi:application"]
