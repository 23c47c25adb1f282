extension ReferenceData {
    /// The UN Peacekeeping Ministerials since 2016, plus `INTERSESSIONAL` for pledges made between meetings.
    public static let ministerials: [Ministerial] = [
        Ministerial(code: "LONDON_2016", name: "UN Peacekeeping Defence Ministerial, London", year: 2016, startDate: "2016-09-08", endDate: "2016-09-08", shortCode: "LON16"),
        Ministerial(code: "VANCOUVER_2017", name: "UN Peacekeeping Defence Ministerial, Vancouver", year: 2017, startDate: "2017-11-14", endDate: "2017-11-15", shortCode: "VAN17"),
        Ministerial(code: "NEW_YORK_2019", name: "UN Peacekeeping Ministerial, New York", year: 2019, startDate: "2019-03-29", endDate: "2019-03-29", shortCode: "NYC19"),
        Ministerial(code: "SEOUL_2021", name: "UN Peacekeeping Ministerial, Seoul (held virtually)", year: 2021, startDate: "2021-12-07", endDate: "2021-12-08", shortCode: "SEO21"),
        Ministerial(code: "ACCRA_2023", name: "UN Peacekeeping Ministerial, Accra", year: 2023, startDate: "2023-12-05", endDate: "2023-12-06", shortCode: "ACC23"),
        Ministerial(code: "BERLIN_2025", name: "UN Peacekeeping Ministerial, Berlin", year: 2025, startDate: "2025-05-13", endDate: "2025-05-14", shortCode: "BER25"),
        Ministerial(code: "INTERSESSIONAL", name: "Intersessional (between Ministerials)", year: 0, startDate: nil, endDate: nil, shortCode: "INT"),
    ]
}
