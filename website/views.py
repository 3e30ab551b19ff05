from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from wagtail.models import Page

from registry.downloads import attachment_disposition
from website.generated import GENERATED_FILES, generated_file_content
from website.search import highlighted, result_snippet, search_pages

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 100


@never_cache
def healthz(request):
    """200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the pages link; it lives in static/."""
    return redirect(static("favicon.ico"), permanent=True)


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = []
    page_obj = None
    if query:
        pages = search_pages(Page.objects.live().public().specific(), query)
        paginator = Paginator(pages, RESULTS_PER_PAGE)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            page_obj = paginator.page(1)
        except EmptyPage:
            page_obj = paginator.page(paginator.num_pages)
        results = [
            {
                "page": page,
                "title": highlighted(page.title, query),
                "snippet": result_snippet(page, query),
            }
            for page in page_obj.object_list
        ]
    return render(
        request,
        "search/search.html",
        {"search_query": query, "results": results, "page_obj": page_obj},
    )


def generated_file(request, key):
    """A blank form or template of the 表格下载 page: public, the same for everyone."""
    if key not in GENERATED_FILES:
        raise Http404
    generated = GENERATED_FILES[key]
    response = HttpResponse(
        generated_file_content(key), content_type=generated.content_type
    )
    response["Content-Disposition"] = attachment_disposition(generated.filename)
    response["Cache-Control"] = "public, max-age=3600"
    return response
