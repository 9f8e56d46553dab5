"""Pluggable SMS backends, chosen by the SMS_BACKEND setting (environment):

- portal.sms.ConsoleBackend (default): writes the message to the log; nothing leaves the machine.
- portal.sms.FileBackend: appends one JSON line per message to SMS_FILE_PATH (tests, demos).
- portal.sms.AliyunBackend: Alibaba Cloud SMS through its SDK (pip install
  alibabacloud_dysmsapi20170525), configured by SMS_ACCESS_KEY_ID / SMS_ACCESS_KEY_SECRET /
  SMS_SIGN_NAME / SMS_TEMPLATE_CODE; the template has one variable `text`.

A backend's `send(phone, text)` returns a reference string or raises SmsError (permanent, e.g. a
bad number) or any other exception (temporary: the task retries).
"""

import json
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("portal.sms")


class SmsError(Exception):
    """A permanent failure: retrying will not help."""


class ConsoleBackend:
    name = "console"

    def send(self, phone, text):
        logger.info("SMS to %s: %s", phone, text)
        return f"console-{timezone.now():%Y%m%d%H%M%S%f}"


class FileBackend:
    name = "file"

    def send(self, phone, text):
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        ref = f"file-{timezone.now():%Y%m%d%H%M%S%f}"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"ref": ref, "phone": phone, "text": text}, ensure_ascii=False) + "\n")
        return ref


class AliyunBackend:  # pragma: no cover - needs the provider's SDK and credentials
    name = "aliyun"

    def send(self, phone, text):
        from alibabacloud_dysmsapi20170525 import models as sms_models
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as api_models

        client = Client(
            api_models.Config(
                access_key_id=settings.SMS_ACCESS_KEY_ID,
                access_key_secret=settings.SMS_ACCESS_KEY_SECRET,
                endpoint="dysmsapi.aliyuncs.com",
            )
        )
        response = client.send_sms(
            sms_models.SendSmsRequest(
                phone_numbers=phone,
                sign_name=settings.SMS_SIGN_NAME,
                template_code=settings.SMS_TEMPLATE_CODE,
                template_param=json.dumps({"text": text[:60]}, ensure_ascii=False),
            )
        )
        body = response.body
        if body.code == "isv.MOBILE_NUMBER_ILLEGAL":
            raise SmsError(body.message)
        if body.code != "OK":
            raise RuntimeError(f"{body.code}: {body.message}")
        return body.biz_id


def sms_backend():
    return import_string(settings.SMS_BACKEND)()
