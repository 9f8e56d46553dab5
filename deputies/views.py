from django.shortcuts import render


def deputy_list(request):
    return render(request, "deputies/list.html")
