from custodes.extract.model import Deployment, Evidence, Financing


def test_to_gold_dict_joins_evidence() -> None:
    ev = [Evidence("A.", 0, 2), Evidence("B.", 3, 5)]
    d = Deployment(
        "ECU",
        None,
        "CHN",
        ["video_surveillance"],
        None,
        None,
        "planned",
        ev,
        0.6,
        Financing("Some Bank", 1e6, "USD", True, ev[0]),
    )
    g = d.to_gold_dict()
    assert g["evidence"] == "A. B." and g["supplier_country"] == "CHN"
    assert set(g) == {"country", "supplier", "supplier_country", "tech", "year", "program", "status", "evidence"}
    assert d.financing is not None and d.financing.to_dict()["loan"] is True
