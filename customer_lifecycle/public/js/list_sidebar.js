// A button in a list's sidebar that adds a filter, or takes it away when it is set: the customer
// list's "Show incomplete" (customer_list.js) and "My favourites" (customer_360.js) work alike.

frappe.provide("customer_lifecycle");

// Adds the button above the sidebar's filters and returns its link (a jQuery object), or
// undefined when the list has no sidebar. `filter()` is the filter the button adds; `is_set(listview)`
// says whether it is set; `fieldname` is what it filters on (what a click removes).
customer_lifecycle.add_sidebar_filter = function (
	listview,
	{ css_class, title, label, fieldname, filter, is_set }
) {
	const $section = listview.list_sidebar?.sidebar.find(".filter-section");
	if (!$section?.length) return;
	const $item = $(`<li class="list-link ${css_class}">
		<a class="btn btn-default btn-sm list-sidebar-button" href="#" onclick="return false;"
			title="${title}">
			<span>${label}</span>
		</a>
	</li>`);
	$section.find(".sidebar-label").first().after($item);
	return $item.find("a").on("click", () => {
		if (is_set(listview)) {
			listview.filter_area.remove(fieldname);
		} else {
			listview.filter_area.add([filter()]);
		}
	});
};
