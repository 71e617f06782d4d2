import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from people.hr_file import ImportFailed
from people.models import PeopleImport, StaffProfile, User
from people.services import import_apply, import_plan, import_preview
from tests.assessments.journey import committed
from tests.factories import StaffProfileFactory

HEADER = "name,email,directorate,team,job title,line manager email,role\n"
GOOD = HEADER + (
    "Dana Director,dana@example.org,Place,Planning,Director of Place,,\n"
    "Tom Teamlead,tom@example.org,Place,Planning,Team leader,dana@example.org,\n"
    "Pat Planner,pat@example.org,Place,Planning,Planning officer,tom@example.org,\n"
)


def people_import(*, text: str, mode: str = "full", by: User | None = None) -> PeopleImport:
    """Preview the file, then confirm exactly what the preview showed."""
    record = import_preview(text=text, file_name="hr.csv", mode=mode, by=by)
    plan = import_plan(record)
    return import_apply(
        record=record, by=by, shown=plan.digest(), deactivations_confirmed=len(plan.deactivated)
    )


def errors_for(text: str, mode: str = "full") -> list[str]:
    with pytest.raises(ImportFailed) as failure:
        people_import(text=text, mode=mode)
    return [str(error) for error in failure.value.errors]


@pytest.mark.django_db
def test_a_good_file_creates_people_teams_and_managers():
    result = people_import(text=GOOD)
    assert result.added == 3
    pat = StaffProfile.objects.get(user__email="pat@example.org")
    assert pat.line_manager.user.email == "tom@example.org"
    assert pat.team.name == "Planning"
    assert pat.team.directorate.name == "Place"
    assert pat.job_title == "Planning officer"


@pytest.mark.django_db
def test_reimporting_updates_people_instead_of_duplicating_them():
    people_import(text=GOOD)
    changed = GOOD.replace("Planning officer", "Senior planning officer")
    result = people_import(text=changed)
    assert result.added == 0
    assert result.updated == 1
    assert User.objects.filter(email="pat@example.org").count() == 1
    assert StaffProfile.objects.get(user__email="pat@example.org").job_title == (
        "Senior planning officer"
    )


@pytest.mark.django_db
def test_people_missing_from_a_new_file_are_marked_inactive_not_deleted():
    people_import(text=GOOD)
    without_pat = "\n".join(GOOD.splitlines()[:3]) + "\n"
    result = people_import(text=without_pat)
    assert result.deactivated == 1
    pat = StaffProfile.objects.get(user__email="pat@example.org")
    assert pat.active is False


@pytest.mark.django_db
def test_people_missing_from_a_new_file_can_no_longer_sign_in(client):
    people_import(text=GOOD)
    pat = User.objects.get(email="pat@example.org")
    pat.set_password("a-long-password-for-pat")
    pat.save()
    people_import(text="\n".join(GOOD.splitlines()[:3]) + "\n")
    response = client.post(
        "/sign-in/", {"username": "pat@example.org", "password": "a-long-password-for-pat"}
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


@pytest.mark.django_db
def test_people_back_in_a_later_file_can_sign_in_again():
    people_import(text=GOOD)
    people_import(text="\n".join(GOOD.splitlines()[:3]) + "\n")
    people_import(text=GOOD)
    assert User.objects.get(email="pat@example.org").is_active
    assert StaffProfile.objects.get(user__email="pat@example.org").active


@pytest.mark.django_db
def test_an_import_never_locks_out_a_superuser():
    admin = User.objects.create_superuser("admin@example.org", "a-long-admin-password")
    StaffProfileFactory(user=admin)
    people_import(text=GOOD)
    admin.refresh_from_db()
    assert admin.is_active
    assert not admin.profile.active


@pytest.mark.django_db
def test_a_missing_column_is_reported_on_line_one():
    text = "name,email,directorate,team,job title,role\nA,a@example.org,D,T,J,\n"
    assert errors_for(text) == [
        'Line 1: the header row is missing the column(s) "line manager email"'
    ]


@pytest.mark.django_db
def test_a_bad_email_is_reported_with_its_line():
    text = GOOD + "Bad Email,not-an-email,Place,Planning,Officer,,\n"
    assert errors_for(text) == ['Line 5: "not-an-email" is not a valid email address']


@pytest.mark.django_db
def test_an_empty_required_value_is_reported():
    text = GOOD + "No Team,noteam@example.org,Place,,Officer,,\n"
    assert errors_for(text) == ["Line 5: team is empty"]


@pytest.mark.django_db
def test_an_unknown_manager_is_reported():
    text = GOOD + "Lost,lost@example.org,Place,Planning,Officer,ghost@example.org,\n"
    assert errors_for(text) == [
        "Line 5: line manager ghost@example.org is not a person in this file "
        "(a full HR extract must include every line manager)"
    ]


@pytest.mark.django_db
def test_a_duplicate_email_is_reported_with_both_lines():
    text = GOOD + "Pat Again,pat@example.org,Place,Planning,Officer,,\n"
    assert errors_for(text) == ["Line 5: pat@example.org appears twice (first on line 4)"]


@pytest.mark.django_db
def test_a_manager_loop_is_reported():
    text = HEADER + (
        "A,a@example.org,Place,Planning,Officer,b@example.org,\n"
        "B,b@example.org,Place,Planning,Officer,c@example.org,\n"
        "C,c@example.org,Place,Planning,Officer,a@example.org,\n"
    )
    errors = errors_for(text)
    assert len(errors) == 1
    assert errors[0].startswith("Line 2: line managers form a loop")


@pytest.mark.django_db
def test_being_your_own_manager_is_reported():
    text = HEADER + "A,a@example.org,Place,Planning,Officer,a@example.org,\n"
    assert errors_for(text) == ["Line 2: a person cannot be their own line manager"]


@pytest.mark.django_db
def test_an_unknown_role_is_reported():
    text = HEADER + "A,a@example.org,Place,Planning,Officer,,Astronaut\n"
    assert errors_for(text) == ['Line 2: role "Astronaut" is not a role in the published framework']


@pytest.mark.django_db
def test_nothing_is_written_when_any_row_is_bad():
    people_import(text=GOOD)
    text = GOOD.replace("Planning officer", "Changed") + "Bad,bad,Place,Planning,Officer,,\n"
    with pytest.raises(ImportFailed):
        people_import(text=text)
    assert StaffProfile.objects.get(user__email="pat@example.org").job_title == "Planning officer"
    assert not User.objects.filter(email="bad").exists()


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_just_the_first():
    text = HEADER + "A,bad-one,P,T,O,,\nB,bad-two,P,T,O,,\n"
    assert len(errors_for(text)) == 2


@pytest.mark.django_db
def test_the_command_imports_a_file(tmp_path, capsys):
    path = tmp_path / "hr.csv"
    path.write_text(GOOD)
    call_command("import_people", str(path), "--mode", "full", "--yes")
    assert "3 added" in capsys.readouterr().out
    assert User.objects.filter(email="pat@example.org").exists()


@pytest.mark.django_db
def test_the_command_lists_bad_rows_and_fails(tmp_path, capsys):
    path = tmp_path / "hr.csv"
    path.write_text(HEADER + "A,bad,P,T,O,,\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_people", str(path), "--mode", "add")
    assert 'Line 2: "bad" is not a valid email address' in capsys.readouterr().err


@pytest.mark.django_db
def test_the_command_refuses_a_file_that_is_not_utf8_text_or_too_large(tmp_path):
    utf16 = tmp_path / "hr.csv"
    utf16.write_text(HEADER, encoding="utf-16")
    with pytest.raises(CommandError, match="hr.csv: the file must be saved as UTF-8 text"):
        call_command("import_people", str(utf16), "--mode", "add")
    large = tmp_path / "big.csv"
    large.write_text(HEADER + "x" * (5 * 1024 * 1024))
    with pytest.raises(CommandError, match="big.csv: the file must be smaller than 5MB"):
        call_command("import_people", str(large), "--mode", "add")
    assert not StaffProfile.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_imports_for_a_head_of_digital(client_for, head):
    upload = SimpleUploadedFile("hr.csv", GOOD.encode(), content_type="text/csv")
    client = client_for(head)
    preview = client.post("/people/import/", {"file": upload, "mode": "add"}, follow=True)
    page = preview.content.decode()
    assert "Check the changes before you import" in page
    assert "Pat Planner" in page
    assert not User.objects.filter(email="pat@example.org").exists()
    record = PeopleImport.objects.get()
    response = client.post(
        f"/people/import/{record.pk}/", {"plan": preview.context["plan"].digest()}, follow=True
    )
    assert "3 added" in response.content.decode()
    assert User.objects.filter(email="pat@example.org").exists()


@pytest.mark.django_db
def test_the_upload_page_lists_every_bad_row(client_for, head):
    upload = SimpleUploadedFile("hr.csv", (HEADER + "A,bad,P,T,O,,\n").encode())
    page = (
        client_for(head).post("/people/import/", {"file": upload, "mode": "add"}).content.decode()
    )
    assert "govuk-error-summary" in page
    assert '<a href="#id_file">The file has 1 problem and nothing was imported.' in page
    assert '<td class="govuk-table__cell">2</td>' in page
    assert "&quot;bad&quot; is not a valid email address" in page
    upload_form = page.split('enctype="multipart/form-data"')[1].split("</form>")[0]
    assert upload_form.count("csrfmiddlewaretoken") == 1


@pytest.mark.django_db
def test_the_upload_page_rejects_a_file_that_is_not_csv(client_for, head):
    upload = SimpleUploadedFile("hr.xlsx", b"PK")
    page = client_for(head).post("/people/import/", {"file": upload}).content.decode()
    assert "The selected file must be a CSV" in page


@pytest.mark.django_db
def test_the_upload_page_rejects_a_file_that_is_not_utf8_text(client_for, head):
    for content in ("name,email\n".encode("utf-16-le"), b"\xff\xfe\x00bad"):
        upload = SimpleUploadedFile("hr.csv", content)
        page = client_for(head).post("/people/import/", {"file": upload}).content.decode()
        assert "The selected file must be saved as UTF-8 text" in page
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_upload_page_refuses_staff(client_for, alice):
    assert client_for(alice).get("/people/import/").status_code == 403


@pytest.mark.django_db
def test_the_upload_page_refuses_leadership(client_for, leader):
    assert client_for(leader).get("/people/import/").status_code == 403


@pytest.mark.django_db
def test_a_row_with_too_many_or_too_few_values_is_reported():
    text = GOOD + "Extra Person,extra@example.org,Place,Planning,Officer,,,surplus\n"
    text += "Short Person,short@example.org,Place\n"
    assert errors_for(text) == [
        "Line 5: the row has 8 values but the header row has 7",
        "Line 6: the row has 3 values but the header row has 7",
    ]


@pytest.mark.django_db
def test_a_value_too_long_for_its_column_is_reported():
    text = GOOD + f"{'N' * 201},long@example.org,Place,{'T' * 201},Officer,,\n"
    assert errors_for(text) == [
        "Line 5: name must be 200 characters or fewer",
        "Line 5: team must be 200 characters or fewer",
    ]
    assert not User.objects.filter(email="long@example.org").exists()


@pytest.mark.django_db
def test_an_imported_person_can_choose_a_password_by_the_reset_link(client):
    from django.core import mail

    people_import(text=GOOD)
    with committed():  # the outbox sends once the request commits
        client.post("/password-reset/", {"email": "Pat@example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["pat@example.org"]
    assert mail.outbox[0].subject == (
        "Reset your password for the Digital capability self-assessment service"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_excel_writes_is_read(ending):
    text = "\ufeff" + GOOD.replace("\n", ending)
    assert people_import(text=text).added == 3
    assert StaffProfile.objects.get(user__email="pat@example.org").line_manager.user.email == (
        "tom@example.org"
    )


@pytest.mark.django_db
def test_a_cell_over_the_limit_is_reported_with_its_line_not_a_server_error():
    text = GOOD + f"Big,big@example.org,Place,Planning,{'x' * 200_000},,\n"
    assert errors_for(text) == ['Line 5: the "job title" cell has more than 20,000 characters']


@pytest.mark.django_db
def test_every_problem_is_reported_in_one_round():
    text = GOOD + "Short,short@example.org\n" + "Bad,bad-email,Place,Planning,Officer,,\n"
    assert errors_for(text) == [
        "Line 5: the row has 2 values but the header row has 7",
        'Line 6: "bad-email" is not a valid email address',
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ['"Line\nbreak"', "Tab\there", "Bell\x07"])
def test_control_characters_in_names_are_refused(name):
    text = HEADER + f"{name},a@example.org,Place,Planning,Officer,,\n"
    assert errors_for(text) == ["Line 2: name must not contain line breaks or control characters"]
