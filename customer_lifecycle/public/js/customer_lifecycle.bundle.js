import "./customer_quick_entry";
