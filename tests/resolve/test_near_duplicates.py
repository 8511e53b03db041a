from custodes.resolve.near_duplicates import (
    NearDuplicateIndex,
    shingles,
    signature,
    signature_from_bytes,
    signature_to_bytes,
)

STORY = (
    "The transport ministry said on Thursday that it had signed a contract for a network of "
    "licence-plate readers on the main highways around the capital. The readers will send "
    "alerts to a control room run by the traffic police, and the first units are due to be "
    "installed in the spring. Officials did not say how long the data would be kept or who "
    "would have access to it, and opposition lawmakers asked for the contract to be published."
)


def test_shingles_of_short_text() -> None:
    assert shingles("Two words") == [b"two words"]
    assert shingles("a b c d") == [b"a b c", b"b c d"]


def test_syndicated_copy_joins_group_but_different_story_does_not() -> None:
    index = NearDuplicateIndex()
    index.add("doc-a", "doc-a", signature(STORY))
    copy = "Reuters - " + STORY.replace("Thursday", "Friday") + " Reporting by the desk."
    match = index.best_match(signature(copy))
    assert match is not None and match.group_id == "doc-a" and match.similarity >= 0.8
    other = ("A court in the north ruled that the city's use of face recognition at football "
             "matches was unlawful because no law authorised it, and ordered the police to "
             "delete the images they had collected during the last season.")
    assert index.best_match(signature(other)) is None


def test_signature_round_trips_through_bytes() -> None:
    sig = signature(STORY)
    again = signature_from_bytes(signature_to_bytes(sig))
    assert again.jaccard(sig) == 1.0
