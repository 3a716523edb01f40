import pytest


@pytest.mark.django_db
def test_home_page_renders_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Dịch vụ công trực tuyến tỉnh Tây Ninh" in response.content.decode()
