"""The HR import's preview, its two modes, its refusals, its record and undoing it."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from people.models import PeopleImport, StaffProfile, User
from people.services import ImportRefused, import_apply, import_plan, import_preview
from tests.factories import StaffProfileFactory, TeamFactory, head_of_digital

HEADER = "name,email,directorate,team,job title,line manager email,role\n"


def starters(manager_email: str = "mary@example.org") -> str:
    return HEADER + (
        f"Nia New,nia@example.org,Communities,Customer Services,Adviser,{manager_email},\n"
        f"Omar New,omar@example.org,Communities,Customer Services,Adviser,{manager_email},\n"
        "Pia New,pia@example.org,Communities,Customer Services,Team leader,,\n"
    )


@pytest.fixture
def organisation(db):
    """A head of digital with a profile, a manager and 20 staff: 22 active people."""
    team = TeamFactory(name="Customer Services", directorate__name="Communities")
    head = head_of_digital(email="head@example.org", full_name="Harriet Head")
    StaffProfileFactory(user=head, team=team)
    mary = StaffProfileFactory(
        user__email="mary@example.org", user__full_name="Mary Manager", team=team
    )
    for number in range(20):
        StaffProfileFactory(
            user__email=f"staff{number}@example.org",
            user__full_name=f"Staff {number:02}",
            team=team,
            line_manager=mary,
        )
    return head


def full_extract(*, leave_out: int = 0, include_head: bool = True) -> str:
    rows = [
        "Mary Manager,mary@example.org,Communities,Customer Services,Manager,,",
        *(
            f"Staff {number:02},staff{number}@example.org,Communities,Customer Services,,"
            "mary@example.org,"
            for number in range(leave_out, 20)
        ),
    ]
    if include_head:
        rows.append("Harriet Head,head@example.org,Communities,Customer Services,Head,,")
    return HEADER + "\n".join(rows) + "\n"


def upload(client, text: str, mode: str, name: str = "hr.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post("/people/import/", {"file": file, "mode": mode}, follow=True)


def active_count() -> int:
    return StaffProfile.objects.filter(active=True).count()


@pytest.mark.django_db
def test_new_starters_are_added_under_managers_already_in_the_service(organisation, client_for):
    """The blocker: three new starters, nobody else touched, the head still signed in."""
    client = client_for(organisation)
    preview = upload(client, starters(), "add")
    page = preview.content.decode()
    assert "Added: 3" in page
    assert "Marked inactive</dt>" in page and not preview.context["plan"].deactivated
    assert not User.objects.filter(email="nia@example.org").exists()  # nothing changed yet

    record = PeopleImport.objects.get()
    done = client.post(
        f"/people/import/{record.pk}/", {"plan": preview.context["plan"].digest()}, follow=True
    )
    assert "3 added, 0 updated, 0 moved team or manager, 0 reactivated, 0 marked inactive" in (
        done.content.decode()
    )
    nia = StaffProfile.objects.get(user__email="nia@example.org")
    assert nia.line_manager.user.email == "mary@example.org"
    assert active_count() == 25
    assert client.get("/people/import/").status_code == 200  # the head is still signed in


@pytest.mark.django_db
def test_a_manager_who_is_neither_in_the_file_nor_in_the_service_is_reported(organisation):
    with pytest.raises(Exception) as failure:
        import_preview(
            text=starters("ghost@example.org"), file_name="hr.csv", mode="add", by=organisation
        )
    messages = [str(error) for error in failure.value.errors]
    assert messages == [
        "Line 2: line manager ghost@example.org is not in this file or in the service",
        "Line 3: line manager ghost@example.org is not in this file or in the service",
    ]


@pytest.mark.django_db
def test_a_full_extract_lists_who_would_be_marked_inactive_first(organisation, client_for):
    client = client_for(organisation)
    page = upload(client, full_extract(leave_out=2), "full").content.decode()
    inactive = page.index("Marked inactive: 2")
    assert inactive < page.find("Staff 00</td>")
    assert "Staff 01</td>" in page
    assert page.index("Marked inactive</dt>") < page.index("Added</dt>")
    assert active_count() == 22


@pytest.mark.django_db
def test_a_full_extract_without_the_importer_is_refused(organisation, client_for):
    client = client_for(organisation)
    preview = upload(client, full_extract(include_head=False), "full")
    page = preview.content.decode()
    assert "You (head@example.org) are not in this file" in page
    assert "Import these changes" not in page
    record = PeopleImport.objects.get()
    response = client.post(f"/people/import/{record.pk}/", {"plan": "anything"})
    assert response.status_code == 400
    assert User.objects.get(email="head@example.org").is_active
    assert active_count() == 22


@pytest.mark.django_db
def test_a_full_extract_that_leaves_out_every_head_of_digital_is_refused(organisation):
    with_head_only_as_user = full_extract(include_head=False)
    plan = import_plan(
        import_preview(text=with_head_only_as_user, file_name="hr.csv", mode="full", by=None)
    )
    assert plan.refusals == [
        "Every head of digital (head@example.org) would be marked inactive, and nobody could "
        "manage the service. Add at least one of them to the file."
    ]
    record = PeopleImport.objects.get()
    with pytest.raises(ImportRefused):
        import_apply(record=record, by=None, deactivations_confirmed=1)
    assert User.objects.get(email="head@example.org").is_active


@pytest.mark.django_db
def test_a_large_deactivation_is_asked_about_again_naming_the_number(organisation, client_for):
    client = client_for(organisation)
    preview = upload(client, full_extract(leave_out=5), "full")
    page = preview.content.decode()
    assert "5 of the 22 people active in the service would be marked inactive" in page
    assert "Yes, mark 5 people as inactive" in page
    record = PeopleImport.objects.get()
    digest = preview.context["plan"].digest()

    refused = client.post(f"/people/import/{record.pk}/", {"plan": digest})
    assert refused.status_code == 400
    assert "Confirm that 5 people will be marked inactive" in refused.content.decode()
    assert active_count() == 22

    client.post(f"/people/import/{record.pk}/", {"plan": digest, "confirm_deactivations": "on"})
    assert active_count() == 17
    assert not User.objects.get(email="staff0@example.org").is_active


@pytest.mark.django_db
def test_a_small_deactivation_needs_no_second_question(organisation, client_for):
    client = client_for(organisation)
    preview = upload(client, full_extract(leave_out=1), "full")
    assert "Yes, mark" not in preview.content.decode()
    record = PeopleImport.objects.get()
    client.post(f"/people/import/{record.pk}/", {"plan": preview.context["plan"].digest()})
    assert active_count() == 21


@pytest.mark.django_db
def test_a_preview_that_no_longer_holds_is_shown_again_not_applied(organisation, client_for):
    client = client_for(organisation)
    preview = upload(client, full_extract(leave_out=1), "full")
    digest = preview.context["plan"].digest()
    StaffProfileFactory(user__email="late@example.org")  # joined after the preview
    record = PeopleImport.objects.get()
    response = client.post(f"/people/import/{record.pk}/", {"plan": digest})
    assert response.status_code == 400
    assert "changed after this preview was made" in response.content.decode()
    assert "late@example.org" in response.content.decode()
    assert StaffProfile.objects.get(user__email="staff0@example.org").active


@pytest.mark.django_db
def test_each_import_is_kept_as_a_record_without_the_file(organisation, client_for):
    client = client_for(organisation)
    text = starters()
    preview = upload(client, text, "add", name="new-starters.csv")
    record = PeopleImport.objects.get()
    client.post(f"/people/import/{record.pk}/", {"plan": preview.context["plan"].digest()})
    record.refresh_from_db()
    assert record.status == "applied"
    assert record.imported_by == organisation
    assert record.file_name == "new-starters.csv"
    assert record.file_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert (record.added, record.deactivated) == (3, 0)
    assert record.text == ""
    page = client.get("/people/import/").content.decode()
    assert "new-starters.csv" in page and "Past imports" in page


@pytest.mark.django_db
def test_the_latest_imports_deactivations_can_be_undone_once(organisation, client_for):
    client = client_for(organisation)
    preview = upload(client, full_extract(leave_out=2), "full")
    record = PeopleImport.objects.get()
    client.post(f"/people/import/{record.pk}/", {"plan": preview.context["plan"].digest()})
    assert active_count() == 20
    assert "Make those 2 people active again" in client.get("/people/import/").content.decode()

    done = client.post(f"/people/import/{record.pk}/undo/", follow=True)
    assert "2 people marked inactive by hr.csv are active again" in done.content.decode()
    assert active_count() == 22
    assert User.objects.get(email="staff0@example.org").is_active
    again = client.post(f"/people/import/{record.pk}/undo/", follow=True)
    assert "Only the latest import" in again.content.decode()


@pytest.mark.django_db
def test_only_the_latest_import_can_be_undone(organisation, client_for):
    client = client_for(organisation)
    for text, mode in ((full_extract(leave_out=2), "full"), (starters(), "add")):
        preview = upload(client, text, mode)
        record = PeopleImport.objects.filter(status="previewed").get()
        client.post(f"/people/import/{record.pk}/", {"plan": preview.context["plan"].digest()})
    first = PeopleImport.objects.order_by("created_at", "id").first()
    client.post(f"/people/import/{first.pk}/undo/")
    assert not StaffProfile.objects.get(user__email="staff0@example.org").active


@pytest.mark.django_db
def test_leavers_in_a_later_file_are_reactivated_and_listed(organisation, client_for):
    StaffProfile.objects.filter(user__email="staff3@example.org").update(active=False)
    User.objects.filter(email="staff3@example.org").update(is_active=False)
    client = client_for(organisation)
    text = HEADER + "Staff 03,staff3@example.org,Communities,Customer Services,,mary@example.org,\n"
    preview = upload(client, text, "add")
    assert "Reactivated: 1" in preview.content.decode()
    record = PeopleImport.objects.get()
    client.post(f"/people/import/{record.pk}/", {"plan": preview.context["plan"].digest()})
    assert User.objects.get(email="staff3@example.org").is_active


@pytest.mark.django_db
def test_moves_are_listed_with_what_changes(organisation, client_for):
    TeamFactory(name="Planning", directorate__name="Place")
    client = client_for(organisation)
    text = HEADER + "Staff 04,staff4@example.org,Place,Planning,,,\n"
    page = upload(client, text, "add").content.decode()
    assert "Moved team or line manager: 1" in page
    assert "Team: Customer Services (Communities) to Planning (Place)" in page
    assert "line manager: mary@example.org to none" in page


@pytest.mark.django_db
def test_a_preview_belongs_to_the_head_who_uploaded_it(organisation, client_for):
    upload(client_for(organisation), starters(), "add")
    record = PeopleImport.objects.get()
    other_head = head_of_digital(email="other-head@example.org")
    assert client_for(other_head).get(f"/people/import/{record.pk}/").status_code == 404
    assert client_for(other_head).post(f"/people/import/{record.pk}/cancel/").status_code == 404
    staff = StaffProfile.objects.get(user__email="staff1@example.org")
    assert client_for(staff).get(f"/people/import/{record.pk}/").status_code == 403
    assert client_for(staff).post(f"/people/import/{record.pk}/undo/").status_code == 403


@pytest.mark.django_db
def test_cancelling_a_preview_changes_nothing(organisation, client_for):
    client = client_for(organisation)
    upload(client, starters(), "add")
    record = PeopleImport.objects.get()
    client.post(f"/people/import/{record.pk}/cancel/")
    assert not PeopleImport.objects.exists()
    assert not User.objects.filter(email="nia@example.org").exists()


@pytest.mark.django_db
def test_the_command_previews_without_yes_and_changes_nothing(organisation, tmp_path, capsys):
    path = tmp_path / "hr.csv"
    path.write_text(full_extract(leave_out=2))
    call_command("import_people", str(path), "--mode", "full")
    out = capsys.readouterr().out
    assert "Marked inactive: 2" in out
    assert "Staff 00 <staff0@example.org>" in out
    assert "Nothing was changed" in out
    assert active_count() == 22
    assert not PeopleImport.objects.exists()


@pytest.mark.django_db
def test_the_command_needs_the_number_for_a_large_deactivation(organisation, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(full_extract(leave_out=5))
    with pytest.raises(CommandError, match="--deactivate 5"):
        call_command("import_people", str(path), "--mode", "full", "--yes")
    assert active_count() == 22
    call_command("import_people", str(path), "--mode", "full", "--yes", "--deactivate", "5")
    assert active_count() == 17
    assert PeopleImport.objects.get().deactivated == 5


@pytest.mark.django_db
def test_the_command_in_add_mode_deactivates_nobody(organisation, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(starters())
    call_command("import_people", str(path), "--mode", "add", "--yes")
    assert active_count() == 25


@pytest.mark.django_db
def test_the_command_refuses_to_leave_out_every_head(organisation, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(full_extract(include_head=False))
    with pytest.raises(CommandError, match="Every head of digital"):
        call_command("import_people", str(path), "--mode", "full", "--yes", "--deactivate", "1")
    assert User.objects.get(email="head@example.org").is_active
