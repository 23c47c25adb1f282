extension ReferenceData {
    /// Current and recently closed UN peacekeeping operations; closed ones carry the date their mandate ended.
    public static let missions: [Mission] = [
        // Active operations.
        Mission("MINURSO", "United Nations Mission for the Referendum in Western Sahara", start: "1991-04-29"),
        Mission("MINUSCA", "United Nations Multidimensional Integrated Stabilization Mission in the Central African Republic", start: "2014-04-10"),
        Mission("MONUSCO", "United Nations Organization Stabilization Mission in the Democratic Republic of the Congo", start: "2010-07-01"),
        Mission("UNDOF", "United Nations Disengagement Observer Force", start: "1974-05-31"),
        Mission("UNFICYP", "United Nations Peacekeeping Force in Cyprus", start: "1964-03-04"),
        Mission("UNIFIL", "United Nations Interim Force in Lebanon", start: "1978-03-19"),
        Mission("UNISFA", "United Nations Interim Security Force for Abyei", start: "2011-06-27"),
        Mission("UNMIK", "United Nations Interim Administration Mission in Kosovo", start: "1999-06-10"),
        Mission("UNMISS", "United Nations Mission in the Republic of South Sudan", start: "2011-07-09"),
        Mission("UNMOGIP", "United Nations Military Observer Group in India and Pakistan", start: "1949-01-24"),
        Mission("UNTSO", "United Nations Truce Supervision Organization", start: "1948-05-29"),
        // Closed operations.
        Mission("MINUSMA", "United Nations Multidimensional Integrated Stabilization Mission in Mali", start: "2013-04-25", end: "2023-12-31"),
        Mission("UNAMID", "African Union-United Nations Hybrid Operation in Darfur", start: "2007-07-31", end: "2020-12-31"),
        Mission("MINUJUSTH", "United Nations Mission for Justice Support in Haiti", start: "2017-10-16", end: "2019-10-15"),
        Mission("MINUSTAH", "United Nations Stabilization Mission in Haiti", start: "2004-06-01", end: "2017-10-15"),
        Mission("UNMIL", "United Nations Mission in Liberia", start: "2003-09-19", end: "2018-03-30"),
        Mission("UNOCI", "United Nations Operation in Côte d'Ivoire", start: "2004-04-04", end: "2017-06-30"),
    ]
}
