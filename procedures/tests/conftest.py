import pytest

from procedures.tests.factories import import_records, national_record, sample_records


@pytest.fixture
def sample_catalogue(db):
    """The nine real sample records plus two made-up ones for tone-mark and other-text cases."""
    import_records(
        *sample_records(),
        national_record("9.000001", "Công nhận tổ hoà giải ở cơ sở", linh_vuc="Hòa giải cơ sở"),
        national_record(
            "9.000002",
            "Cấp bản sao trích lục",
            ket_qua=[{"ten": "Bản sao trích lục kết hôn", "ma": "KQ.G15.000099"}],
        ),
    )
