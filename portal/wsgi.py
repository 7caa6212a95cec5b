import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their models and URLconf) lives as long as the process. Out of
# the cyclic collector's reach, a full collection, which a page making thousands of objects (the expert
# dashboard's overview of the review) sets off, walks only what requests made: the slow outliers of
# docs/perf/scale-independent.md. Frozen objects are never collected; nothing loaded here is garbage.
gc.freeze()
