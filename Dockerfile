# The platform image: the ASGI web server, the Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml requirements.lock ./
# The audited versions (make lock, make audit), not whatever is newest today.
RUN pip install --upgrade pip && pip install --constraint requirements.lock .
COPY . .
# collectstatic needs settings but no secret or service.
RUN DJANGO_DEBUG=1 DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && DJANGO_DEBUG=1 DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=".venv/*"
RUN useradd --create-home --uid 1000 app && mkdir -p /app/var && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["python", "-m", "config.server", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]
