from django.http import HttpResponse

def member_list(request, *args, **kwargs):
    return HttpResponse('todo')


def deadlines(request, *args, **kwargs):
    return HttpResponse('todo')


def my_space(request, *args, **kwargs):
    return HttpResponse('todo')


def my_contact_edit(request, *args, **kwargs):
    return HttpResponse('todo')


def member_import(request, *args, **kwargs):
    return HttpResponse('todo')


def member_export(request, *args, **kwargs):
    return HttpResponse('todo')


def meeting_create(request, *args, **kwargs):
    return HttpResponse('todo')


def member_detail(request, *args, **kwargs):
    return HttpResponse('todo')


def member_edit(request, *args, **kwargs):
    return HttpResponse('todo')


def stage_create(request, *args, **kwargs):
    return HttpResponse('todo')


def stage_edit(request, *args, **kwargs):
    return HttpResponse('todo')


def member_exit(request, *args, **kwargs):
    return HttpResponse('todo')


def advisor_change(request, *args, **kwargs):
    return HttpResponse('todo')


