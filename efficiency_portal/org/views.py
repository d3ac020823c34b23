from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import Department


def department_list(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.filter(is_active=True).select_related("parent")
    return render(request, "org/department_list.html", {"departments": departments})
