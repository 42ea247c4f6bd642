import "./customer_quick_entry";
import "./customer_contacts";
import "./customer_duplicates";
import "./customer_onboarding";
import "./customer_notes";
import "./customer_360";
import "./customer_privacy";
import "./customer_billing";
