"""Reading what the exports produce."""

import io
import zipfile

from openpyxl import load_workbook


def workbook(data: bytes, **options):
    return load_workbook(io.BytesIO(data), **options)


def zip_of(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))
