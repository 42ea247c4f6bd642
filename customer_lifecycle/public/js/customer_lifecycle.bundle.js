import "./customer_quick_entry";
import "./customer_contacts";
import "./customer_duplicates";
