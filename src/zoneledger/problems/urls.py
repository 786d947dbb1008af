from django.urls import path

from . import views

app_name = "problems"
urlpatterns = [
    path("", views.problem_list, name="problem_list"),
    path("export/", views.problem_export, name="problem_export"),
    path("leaders/", views.leaders, name="leaders"),
    path("task-forces/new/", views.task_force_edit, name="task_force_create"),
    path("task-forces/<int:pk>/", views.task_force_detail, name="task_force_detail"),
    path("task-forces/<int:pk>/edit/", views.task_force_edit, name="task_force_edit"),
    path("new/", views.zone_problem_raise, name="zone_problem_raise"),
    path("<int:pk>/", views.problem_detail, name="problem_detail"),
    path("<int:pk>/act/", views.problem_act, name="problem_act"),
    path("<int:pk>/attachments/", views.attachments_add, name="attachments_add"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("project/<int:pk>/", views.project_problems, name="project_problems"),
    path("project/<int:pk>/raise/", views.problem_raise, name="problem_raise"),
    path("project/<int:pk>/leader/", views.leader_set, name="leader_set"),
]
