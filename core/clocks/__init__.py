"""Legal clocks of any owner: deadline arithmetic on the holiday calendar
(民法典第二百零一条、第二百零三条), the engine that starts, pauses and stops
clocks under an owner's rule set, the reminder sweep and recalculation."""
