"""Public URLs of the pdf app (no login): the card verification page.

Included by website/urls.py under ``verify/``, before Wagtail's page catch-all.
"""

from django.urls import path

from . import public_views

app_name = "verify"

urlpatterns = [
    path("card/<str:number>/<str:signature>/", public_views.card, name="card"),
]
