FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 pixorga
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings that import; these values exist only for the build step.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build DJANGO_HTTPS=0 PIXORGA_EMBEDDED=1 python manage.py collectstatic --noinput
USER pixorga
EXPOSE 8000
CMD ["gunicorn", "pixorga.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
