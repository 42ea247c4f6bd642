"""Last of the suite (files run in name order): no payload changed what another user sees. The
bystander's record, notes, count and portal pages read as they did before the first payload was
sent (conftest.View), by a Customer User and by the bystander's own portal user."""


def test_no_payload_changed_what_another_user_sees(hostile, bystanders_view):
	now = bystanders_view.now()
	assert now == bystanders_view.before
	assert now["portal"] == (200, True), now
	assert now["portal invoices"] == (200, True, False), now
	assert now["portal notes"] == (200, True, False), now
