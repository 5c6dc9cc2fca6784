"""The Corporate Parenting Board progress report: build (builder), draw (charts), print (pdf), publish
(services) and read (selectors). A draft renders live from the register as at its date; publishing
freezes every number, chart, text and the PDF as the board saw them."""
