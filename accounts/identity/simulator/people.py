"""Fictional people the VNeID simulator can sign in as (demo data, not real persons)."""

DEMO_IDENTITIES = [
    {
        "sub": "demo-citizen-1",
        "acr": "urn:vneid:loa:2",
        "name": "Nguyễn Văn An",
        "birthdate": "1985-04-12",
        "gender": "male",
        "national_id": "080085012345",
        "email": "nguyen.van.an@demo.tayninh.gov.vn",
        "phone_number": "0912000111",
        "address": {"formatted": "Số 5, đường 30/4, phường Tân Ninh, tỉnh Tây Ninh"},
    },
    {
        "sub": "demo-citizen-2",
        "acr": "urn:vneid:loa:1",
        "name": "Trần Thị Bích Ngọc",
        "birthdate": "1998-11-02",
        "gender": "female",
        "national_id": "080198054321",
        "email": "tran.bich.ngoc@demo.tayninh.gov.vn",
        "phone_number": "0987000222",
        "address": {"formatted": "Ấp Bình Hòa, xã Bình Minh, tỉnh Tây Ninh"},
    },
    {
        "sub": "demo-business-owner",
        "acr": "urn:vneid:loa:2",
        "name": "Lê Hoàng Phúc",
        "birthdate": "1979-07-30",
        "gender": "male",
        "national_id": "080079067890",
        "email": "le.hoang.phuc@demo.tayninh.gov.vn",
        "phone_number": "0903000333",
        "address": {
            "formatted": "Số 18, đường Cách Mạng Tháng Tám, phường Tân Ninh, tỉnh Tây Ninh"
        },
    },
]
BY_SUBJECT = {person["sub"]: person for person in DEMO_IDENTITIES}
