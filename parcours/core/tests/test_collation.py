from parcours.core.collation import name_key, sorted_by_name


def test_names_sort_without_case_or_accents():
    names = ["espace", "Œuvre", "Écriture", "atelier", "Zumba", "oeil", "école", "Ecole"]
    assert sorted(names, key=name_key) == [
        "atelier",
        "Ecole",
        "école",
        "Écriture",
        "espace",
        "oeil",
        "Œuvre",
        "Zumba",
    ]


def test_records_sort_by_the_name_given():
    records = [{"name": "Été"}, {"name": "art"}, {"name": "Bois"}]
    assert sorted_by_name(records, name=lambda record: record["name"]) == [
        {"name": "art"},
        {"name": "Bois"},
        {"name": "Été"},
    ]
