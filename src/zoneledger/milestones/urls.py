from django.urls import path

from . import views

app_name = "milestones"
urlpatterns = [
    path("milestones/", views.milestone_list, name="milestone_list"),
    path("milestones/export/", views.milestone_export, name="milestone_export"),
    path("milestones/templates/", views.template_list, name="template_list"),
    path("milestones/templates/new/", views.template_edit, name="template_create"),
    path("milestones/templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("projects/<int:pk>/milestones/plan/", views.milestones_plan, name="milestones_plan"),
    path("projects/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("projects/<int:pk>/milestones/<int:milestone_pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("projects/<int:pk>/milestones/<int:milestone_pk>/move/", views.milestone_move, name="milestone_move"),
    path("projects/<int:pk>/milestones/<int:milestone_pk>/done/", views.milestone_done, name="milestone_done"),
    path("projects/<int:pk>/milestones/<int:milestone_pk>/drop/", views.milestone_drop, name="milestone_drop"),
]
