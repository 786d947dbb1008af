"""The site's URLconf plus views that raise each domain error, for tests/core/test_errors.py."""

from django.urls import path

from zoneledger import urls as site
from zoneledger.core.errors import Conflict, DomainError, NotAllowed, NotFound

handler403 = site.handler403


def raising(error):
    def view(request):
        raise error

    return view


urlpatterns = [
    path("not-found/", raising(NotFound("没有这个项目。"))),
    path("not-allowed/", raising(NotAllowed("你不能改这个项目。"))),
    path("conflict/", raising(Conflict("项目已被别人修改。"))),
    path("refused/", raising(DomainError("这一步现在不能做。"))),
    *site.urlpatterns,
]
