from bot.services.retro_anonymity import AnonymousRatings, aggregate


def _a(p: int, s: int, q: int, worked: str = "", change: str = "") -> AnonymousRatings:
    return AnonymousRatings(p, s, q, worked, change)


def test_below_threshold_is_withheld_with_a_note() -> None:
    agg = aggregate([_a(5, 4, 3, "x"), _a(1, 2, 3)], threshold=3, seed=1)
    assert agg.withheld
    assert agg.means == {} and agg.what_worked == () and agg.what_to_change == ()
    assert agg.withheld_note() == "2 anonymous answers are withheld: fewer than 3"


def test_at_threshold_shows_means_and_all_items() -> None:
    answers = [_a(5, 4, 3, "a", "x"), _a(1, 2, 3, "b"), _a(3, 3, 3, "", "y")]
    agg = aggregate(answers, threshold=3, seed=7)
    assert not agg.withheld and agg.count == 3
    assert agg.means == {"partnership": 3.0, "speed": 3.0, "candidate_quality": 3.0}
    assert sorted(agg.what_worked) == ["a", "b"]
    assert sorted(agg.what_to_change) == ["x", "y"]


def test_rerender_is_identical_whatever_the_row_order() -> None:
    answers = [_a(5, 4, 3, f"w{i}", f"c{i}") for i in range(6)]
    first = aggregate(answers, threshold=3, seed=42)
    again = aggregate(list(reversed(answers)), threshold=3, seed=42)
    assert first == again


def test_no_answers_is_not_a_withheld_note_worth_showing() -> None:
    agg = aggregate([], threshold=3, seed=1)
    assert agg.count == 0 and agg.means == {}
