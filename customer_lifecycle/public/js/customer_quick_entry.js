// The new-customer dialog in two steps (seed 000): the basics, then the intake fields an admin
// added to the "Intake" section with Customize Form. The second step can be skipped.

frappe.provide("frappe.ui.form");

const INTAKE_SECTION = "intake_section";
const BREAKS = ["Section Break", "Tab Break"];

frappe.ui.form.CustomerQuickEntryForm = class CustomerQuickEntryForm extends (
	frappe.ui.form.QuickEntryForm
) {
	set_meta_and_mandatory_fields() {
		super.set_meta_and_mandatory_fields();
		this.intake_fields = this.get_intake_fields();
		const intake_names = new Set(this.intake_fields.map((df) => df.fieldname));
		// hidden fields (the naming series) keep the defaults of the new doc
		this.mandatory = this.mandatory.filter((df) => !df.hidden && !intake_names.has(df.fieldname));
	}

	get_intake_fields() {
		const fields = this.meta.fields;
		const start = fields.findIndex((df) => df.fieldname === INTAKE_SECTION);
		if (start === -1) return [];
		const intake = [];
		for (const df of fields.slice(start + 1)) {
			if (BREAKS.includes(df.fieldtype)) break;
			if (df.hidden || df.read_only || df.is_virtual) continue;
			intake.push({ ...df, reqd: 0 });
		}
		return intake;
	}

	render_dialog() {
		// keep the dialog and what was typed when the server refuses a value
		this.skip_redirect_on_error = true;
		const intake = this.intake_fields;
		if (intake.length) {
			this.mandatory = this.mandatory.concat(
				[{ fieldtype: "Section Break", fieldname: "__intake_step", label: __("Intake") }],
				intake
			);
		}
		super.render_dialog();
		if (intake.length) this.show_step(1);
		customer_lifecycle.dialogs.make_accessible(this.dialog);
	}

	show_step(step) {
		this.step = step;
		const intake_names = new Set(["__intake_step", ...this.intake_fields.map((df) => df.fieldname)]);
		for (const df of this.dialog.fields) {
			const in_intake = intake_names.has(df.fieldname);
			this.dialog.set_df_property(df.fieldname, "hidden", step === 1 ? in_intake : !in_intake);
		}
		this.dialog.set_title(
			step === 1
				? __("New {0}", [__(this.doctype)])
				: __("New {0}: intake (optional)", [__(this.doctype)])
		);
		if (step === 1) {
			this.dialog.set_primary_action(__("Next"), () => {
				if (this.dialog.get_values()) this.show_step(2);
			});
			this.dialog.set_secondary_action_label(__("Create now"));
			this.dialog.set_secondary_action(() => this.save());
		} else {
			this.dialog.set_primary_action(__("Create"), () => this.save());
			this.dialog.set_secondary_action_label(__("Skip"));
			this.dialog.set_secondary_action(() => {
				for (const df of this.intake_fields) this.dialog.set_value(df.fieldname, null);
				this.save();
			});
		}
		customer_lifecycle.dialogs.make_accessible(this.dialog);
	}

	open_form_if_not_list() {
		// seed 000: a new customer opens on its own page
		frappe.set_route("Form", this.dialog.doc.doctype, this.dialog.doc.name);
	}

	save() {
		if (this.dialog.working || !this.dialog.get_values()) return;
		this.dialog.working = true;
		this.dialog.set_message(__("Saving..."));
		this.insert().then(() => this.dialog.clear_message());
	}

	insert() {
		// "Customer already exists": warn before inserting (customer_duplicates.js)
		return customer_lifecycle.duplicates.confirm(this.dialog.get_values(true)).then((answer) => {
			if (answer === "save" || answer === "override") {
				if (answer === "override") this.dialog.doc.allow_duplicate = 1;
				return super.insert();
			}
			this.dialog.working = false;
			this.dialog.clear_message();
			if (answer === "open") this.dialog.hide();
		});
	}
};
