"""The same length limits on the page and in the API (issue 14, minor): a lead note of 10,000 characters
was accepted by the page and refused by the API (5,000). Each page form and the API schema that writes the
same object must agree on every text field they share; the limits come from enclave.lib.limits."""

from __future__ import annotations

import pytest
from django import forms

from enclave.assessment import api as assessment_api
from enclave.assessment import forms as assessment_forms
from enclave.enterprises import api as enterprises_api
from enclave.enterprises import forms as enterprises_forms
from enclave.land import api as land_api
from enclave.land import forms as land_forms
from enclave.leads import api as leads_api
from enclave.leads import forms as leads_forms
from enclave.projects import api as projects_api
from enclave.projects import forms as projects_forms

PAIRS = [
    (enterprises_forms.EnterpriseForm, enterprises_api.EnterpriseIn),
    (land_forms.ParcelForm, land_api.ParcelIn),
    (land_forms.SubParkForm, land_api.SubParkIn),
    (land_forms.MilestoneForm, land_api.MilestoneIn),
    (land_forms.ResourceForm, land_api.ResourceIn),
    (leads_forms.LeadForm, leads_api.LeadIn),
    (leads_forms.MoveForm, leads_api.MoveIn),
    (leads_forms.FactForm, leads_api.FactIn),
    (leads_forms.VisitForm, leads_api.VisitIn),
    (projects_forms.ProjectForm, projects_api.ProjectIn),
    (projects_forms.RecogniseForm, projects_api.RecogniseIn),
    (projects_forms.ActionForm, projects_api.ReasonIn),
    (projects_forms.ConflictResolveForm, projects_api.ResolveIn),
    (projects_forms.ClaimForm, projects_api.ClaimIn),
    (assessment_forms.RunForm, assessment_api.RunIn),
]


def _schema_max_length(prop: dict) -> int | None:
    if "maxLength" in prop:
        return prop["maxLength"]
    for option in prop.get("anyOf", []):
        if option.get("type") == "string" and "maxLength" in option:
            return option["maxLength"]
    return None


def _is_free_text(prop: dict) -> bool:
    """A plain string: not a date, a choice, a code with a pattern or a number also written as text."""
    options = [prop, *prop.get("anyOf", [])]
    if any(key in o for o in options for key in ("format", "enum", "pattern", "const")):
        return False
    if any(o.get("type") in ("number", "integer") for o in options):
        return False
    return any(o.get("type") == "string" for o in options)


def _differences(form_class, schema_class) -> list[str]:
    properties = schema_class.model_json_schema()["properties"]
    out = []
    for name, field in form_class.base_fields.items():
        prop = properties.get(name)
        if prop is None or not isinstance(field, forms.CharField) or not _is_free_text(prop):
            continue
        page, api = field.max_length, _schema_max_length(prop)
        if page != api:
            out.append(f"{form_class.__name__}.{name}: page {page}, API {api}")
    return out


def test_every_text_field_a_form_and_its_api_schema_share_has_one_limit():
    differences = [d for form_class, schema_class in PAIRS for d in _differences(form_class, schema_class)]
    assert differences == []


def test_the_walk_compares_real_fields():
    compared = 0
    for form_class, schema_class in PAIRS:
        properties = schema_class.model_json_schema()["properties"]
        compared += sum(1 for name in form_class.base_fields if name in properties)
    assert compared > 40


@pytest.mark.parametrize(
    ("form_class", "field"), [(leads_forms.LeadForm, "note"), (leads_forms.VisitForm, "outcome")]
)
def test_a_lead_note_and_a_visit_outcome_have_the_apis_limit_on_the_page(form_class, field):
    from enclave.lib import limits

    assert form_class.base_fields[field].max_length == limits.LONG_TEXT
