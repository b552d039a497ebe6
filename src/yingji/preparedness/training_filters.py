"""FilterSets of the training and exam lists, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.core.filters import RegionFilter, SearchFilterSet
from yingji.core.models import enterprise_model

from .models import Certificate, Course, ExamAttempt, ExamPaper, Question, Trainee, TrainingSession
from .training_choices import AttemptState, ExamPurpose, QuestionKind, TraineeRole


def _enterprises(request):
    user = getattr(request, "user", None)
    model = enterprise_model()
    return model.objects.filter(policy.scope_q(user, model)).order_by("name")


class CourseFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "topic")
    region_code = RegionFilter()
    initial = django_filters.BooleanFilter(label=_("Initial training"))

    class Meta:
        model = Course
        fields = ["region_code", "initial"]


class SessionFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "trainer", "place", "course__title")
    region_code = RegionFilter()
    year = django_filters.NumberFilter(field_name="start_date", lookup_expr="year", label=_("Year"), min_value=1900,
                                      max_value=2100)

    class Meta:
        model = TrainingSession
        fields = ["region_code", "year"]


class TraineeFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "enterprise__name")
    township = RegionFilter(field_name="enterprise__region_code")
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, label=_("Enterprise"))
    role = django_filters.ChoiceFilter(choices=TraineeRole.choices(), label=_("Post"))

    class Meta:
        model = Trainee
        fields = ["township", "enterprise", "role"]


class CertificateFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("number", "holder", "title")
    region_code = RegionFilter()
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, label=_("Enterprise"))

    class Meta:
        model = Certificate
        fields = ["region_code", "enterprise"]


class QuestionFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("code", "text", "topic", "basis")
    kind = django_filters.ChoiceFilter(choices=QuestionKind.choices(), label=_("Kind"))
    topic = django_filters.CharFilter(label=_("Topic"), max_length=100)

    class Meta:
        model = Question
        fields = ["kind", "topic"]


class PaperFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title",)
    purpose = django_filters.ChoiceFilter(choices=ExamPurpose.choices(), label=_("Purpose"))

    class Meta:
        model = ExamPaper
        fields = ["purpose"]


class AttemptFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("examinee", "paper__title", "enterprise__name")
    region_code = RegionFilter()
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, label=_("Enterprise"))
    state = django_filters.ChoiceFilter(choices=AttemptState.choices(), label=_("State"))

    class Meta:
        model = ExamAttempt
        fields = ["region_code", "enterprise", "state"]
