FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# fonts-noto-cjk so generated documents preview correctly if converted on the server
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN DEBUG=1 python manage.py compile_catalogues \
    && DEBUG=1 STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 renda && mkdir -p /data/media && chown -R renda /data

ENV STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/data/media
USER renda
EXPOSE 8000
# workers, threads, timeouts: gunicorn.conf.py (read from the working directory)
CMD ["gunicorn", "renda.wsgi:application"]
