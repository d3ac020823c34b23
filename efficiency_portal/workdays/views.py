from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def calendar_view(request: HttpRequest) -> HttpResponse:
    return render(request, "workdays/calendar.html")
