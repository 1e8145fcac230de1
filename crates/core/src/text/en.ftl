# English texts of wijkwijzer (the default language). Every message here has a Dutch twin in
# nl.ftl with the same id and the same arguments; the test in src/text/tests.rs holds the two
# files and the code to that. Arguments are written { $name }.

## Problem titles, one per problem type (urn:wijkwijzer:problem:<slug>)

title-missing-parameter = A required parameter is missing
title-not-a-number = A coordinate is not a number
title-not-finite = A coordinate is not a finite number
title-out-of-range = A coordinate is out of range
title-swapped-coordinates = Latitude and longitude look swapped
title-rd-given-as-wgs84 = RD New coordinates were given as latitude/longitude
title-web-mercator-given-as-wgs84 = Web Mercator coordinates were given as latitude/longitude
title-degrees-given-as-projected = Degrees were given as projected coordinates
title-unknown-crs = Unknown coordinate reference system
title-conflicting-parameters = Conflicting parameters
title-unknown-parameter = Unknown parameter
title-unreadable-coordinate = Unreadable coordinate
title-malformed-query = Malformed query string
title-repeated-parameter = A parameter is given twice
title-bad-parameter = A parameter cannot be read
title-bad-limit = Bad limit
title-unknown-layer = Unknown layer
title-unknown-situation = Unknown situation
title-malformed-form = Malformed form upload
title-unreadable-body = The request body could not be read
title-unreadable-address = The address cannot be read
title-ambiguous-address = Several addresses match
title-unauthorized = Missing or invalid credentials
title-forbidden = The key may not do this
title-not-found = No such endpoint
title-unknown-area = Unknown area
title-unknown-collection = Unknown collection
title-date-not-covered = No data for that date
title-address-not-found = No such address
title-method-not-allowed = Method not allowed
title-workbook-too-large = The workbook expands beyond a limit
title-busy = Too many files are being classified
title-body-too-large = The body is too large
title-query-too-long = Query string too long
title-unsupported-media-type = Unsupported media type
title-unclassifiable-file = The file cannot be classified
title-invalid-data = The new data was refused
title-rate-limited = Too many requests
title-internal-error = Internal error
title-overloaded = Too many requests in flight
title-timeout = The request took too long
title-no-room = No room for the answer
title-keys-suspended = Keyed access is suspended

## Reading a place from parameters and text

query-missing = parameter '{ $param }' is missing: { $hint }
query-not-a-number = '{ $param }' must be a decimal number such as 52.25 or 5.125, got '{ $value }'
query-not-finite = '{ $param }' must be a finite number, got '{ $value }'
query-out-of-range = '{ $param }' = { $value } is outside { $min }..{ $max }
query-swapped-near = lat={ $lat }, lon={ $lon } looks swapped: { $municipality } lies at lat≈{ $at_lat }, lon≈{ $at_lon }; did you mean lat={ $lon }&lon={ $lat }?
query-swapped = lat={ $lat }, lon={ $lon } looks swapped: in the Netherlands latitude lies between 50 and 54 and longitude between 2.5 and 7.5; did you mean lat={ $lon }&lon={ $lat }?
query-looks-like-rd = { $a }, { $b } are not degrees but look like RD New metres; send x={ $x }&y={ $y }&crs=EPSG:28992
query-looks-like-web-mercator = { $a }, { $b } are not degrees but look like Web Mercator metres; send x={ $x }&y={ $y }&crs=EPSG:3857
query-looks-like-degrees = x={ $x }, y={ $y } look like WGS84 degrees, not projected metres; send lat={ $lat }&lon={ $lon }
query-unknown-crs = unknown CRS '{ $value }': use EPSG:28992 (RD New), EPSG:3857 (Web Mercator) or EPSG:4326 (WGS84)
query-conflicting = give one of: q (free text), lat and lon (WGS84), or x and y (with crs)
query-unknown-parameter = unknown parameter '{ $name }' { $count ->
    [0] (this endpoint takes no parameters)
   *[other] (this endpoint takes: { $known })
}
query-unknown-parameter-hint = unknown parameter '{ $name }'; did you mean '{ $hint }'? { $count ->
    [0] (this endpoint takes no parameters)
   *[other] (this endpoint takes: { $known })
}
query-unreadable = cannot read '{ $text }' as a place: { $detail }. Examples: { $examples }
examples-any-map-link = a Google Maps or OpenStreetMap link
query-empty = the text is empty
query-too-long = the text is longer than { $max } characters
query-neither-degrees-nor-metres = read the numbers { $a } and { $b }, but they are neither degrees (lat -90..90, lon -180..180), RD New metres ({ $range }) nor Web Mercator metres near the Netherlands
query-not-a-number-word = '{ $word }' is not a number
query-semicolon-parts = expected two numbers separated by ';', found { $count } parts
query-number-count = { $count ->
    [1] found one number; a place needs two (latitude and longitude, or x and y)
   *[other] found { $count } numbers; a place needs two (latitude and longitude, or x and y)
}
query-geo-uri = a geo: URI is written geo:lat,lon, in decimal degrees
query-short-link = shortened map links only resolve over the internet; open it in a browser and paste the full link or the coordinates
query-google-link-without-place = this Google Maps link holds no coordinates (a search for a name or an address); right-click the place on the map and copy its coordinates
query-osm-link-without-place = this OpenStreetMap link holds no coordinates; use the link of a map view (#map=zoom/lat/lon) or a marker (mlat/mlon)
query-apple-link-without-place = this Apple Maps link holds no coordinates (ll=lat,lon)
query-unknown-link = links are understood from Google Maps, OpenStreetMap and Apple Maps, and geo: URIs
query-labelled-needs-both = labelled coordinates need both values (lat and lon, or x and y)
query-stray-letter = the letter '{ $letter }' is not part of any coordinate notation
query-stray-character = the character '{ $character }' is not part of any coordinate notation
query-angle-too-many-parts = an angle has at most degrees, minutes and seconds
query-angle-unit-twice = an angle names the same unit twice
query-angle-without-degrees = an angle needs degrees
query-angle-sixty = minutes and seconds must be below 60 (read { $minutes }' { $seconds }")
query-angle-decimal-minutes-and-seconds = decimal minutes cannot be followed by seconds
query-angle-count = found { $count } angles; a place needs two
query-two-latitudes = both angles are latitudes; one must be a latitude (N/S) and one a longitude (E/W)
query-two-longitudes = both angles are longitudes; one must be a latitude (N/S) and one a longitude (E/W)
query-unmarked-numbers = found { $count } numbers without marks; cannot tell degrees from minutes

## How a text was read (an answer's `understood.understood_as`)

notation-decimal-degrees = decimal degrees (WGS84)
notation-dms = degrees, minutes, seconds (WGS84)
notation-decimal-minutes = degrees and decimal minutes (WGS84)
notation-rd = RD New metres (EPSG:28992)
notation-web-mercator = Web Mercator metres (EPSG:3857)
notation-geo-uri = geo: URI
notation-google-link = Google Maps link
notation-osm-link = OpenStreetMap link
notation-apple-link = Apple Maps link
notation-plus-code = plus code (Open Location Code)
understood-given-as-y-x = given as y, x
understood-given-as-lon-lat = given as lon, lat: turned round
understood-map-centre = the centre of the map view at zoom { $zoom }: the link marks no place, so the place meant may lie anywhere on the screen, up to about { $metres } m from its centre (on a phone screen of 400 × 800 px); right-click the place and copy its coordinates to be sure
understood-plus-code-cell = the centre of its cell, within { $metres } m
understood-written-to = written to ±{ $metres } m

## Plus codes

pluscode-padded-then-more = '{ $code }': a plus code padded with 0 ends at the +; nothing may follow it
pluscode-padding-not-last = '{ $code }': the 0 padding must come last, before the +
pluscode-one-symbol-after-plus = '{ $code }': after the + come two or more symbols (e.g. +H5)
pluscode-beyond-the-poles = '{ $code }' is not a plus code: its first two symbols lie beyond the poles or the date line
pluscode-town-not-needed = a full plus code; '{ $town }' was not needed
pluscode-short-needs-two-after-plus = '{ $code }': a short plus code has two or more symbols after the + (e.g. RQ2Q+H5)
pluscode-other-town = '{ $code } { $town }': a short plus code is completed from its town, and only { $municipality } is covered; give the full code (eight symbols before the +, shown by Google Maps under the place's plus code)
pluscode-completed = a short plus code, completed near { $town } as { $full }
pluscode-completed-without-town = a short plus code, completed near { $municipality } (no town given) as { $full }

## Finding an address or a named place

address-empty = the address is empty
address-too-long = the address is longer than { $max } characters
address-bad-postcode = postcode '{ $postcode }' is not a Dutch postcode: four digits and two letters, e.g. 6211CK
address-empty-street = the street is empty: give a street with the number{ $address }
address-number-alone = a house number alone is not an address: add the street{ $address } or the postcode{ $postcode }
address-nothing = give a street and number{ $address } or a postcode and number{ $postcode }
address-no-such-postcode = no address has postcode { $postcode }
address-number-missing = { $address } does not exist; the nearest numbers are listed
address-number-only-with-suffix = { $address } exists only as { $forms }: say which one
address-unknown-woonplaats = no woonplaats named '{ $woonplaats }' is among the loaded addresses ({ $known }): the place may lie outside the covered area; without it: { $reason }
address-exists-elsewhere = no woonplaats named '{ $woonplaats }' is known; the address exists elsewhere
address-in-several-woonplaatsen = '{ $address }' exists in { $count } places: add the woonplaats or the postcode
address-no-street-in = no street named '{ $street }' in '{ $woonplaats }'
address-no-street = no street named '{ $street }' (nor within two typing errors) among the { $count } loaded addresses
address-streets-starting-so = streets starting so: { $streets }
address-street-not-indexed = no street named '{ $street }' among the { $count } loaded addresses; it may be a street they do not hold, not a typing error: near names are { $near }
address-near-street = { $street } ({ $edits ->
    [1] 1 letter
   *[other] { $edits } letters
} different)
address-near-streets-in = near names' areas: { $list }
address-near-street-in = { $street } in { $area }
address-near-streets-apart = the near names lie up to { $metres } m apart
note-fuzzy-street = '{ $text }' is not in the address index as written: read as { $street } ({ $edits ->
    [1] 1 letter
   *[other] { $edits } letters
} different): the answer is for { $street }, not for the name as given
address-several-streets = '{ $street }' names { $count } streets: add the woonplaats, a number or the postcode
address-no-postcode-area = no loaded address has a postcode starting with { $digits } (the { $count } loaded addresses cover { $source })
address-long-huisletter = huisletter '{ $huisletter }' must be one letter (BAG); put longer additions in toevoeging
address-number-with-suffix = huisnummer '{ $huisnummer }' already has a suffix; give the number alone with huisletter/toevoeging
address-huisletter-not-a-letter = huisletter '{ $huisletter }' is not a letter A-Z
address-bad-toevoeging = toevoeging '{ $toevoeging }' must be 1 to 4 letters or digits (BAG huisnummertoevoeging)
address-no-house-number = '{ $text }' does not start with a house number
address-house-number-range = house number '{ $number }' is not 1 to 99999
address-too-much-after-number = '{ $text }' has more after the number than a huisletter and a toevoeging
address-place-namesakes = '{ $text }' names { $count } places: add the street, e.g. '{ $example }', or give the address
address-place-namesakes-without-street = '{ $text }' names { $count } places: give the address
note-address-wins-over-place = '{ $text }' also names { $count ->
    [1] { $place }
   *[other] { $count } places
}: answered as the address, which exists
note-address-wins-over-similar-place = '{ $text }' is also close to the name of { $count ->
    [1] { $place }
   *[other] { $count } places
}: answered as the address, which exists
note-places-together = { $count } places share this name, all within { $metres } m: answered with the first
note-fuzzy-place = '{ $text }' read as the place named '{ $name }' ({ $edits ->
    [1] 1 letter
   *[other] { $edits } letters
} different)
note-near-word = '{ $word }' read as near: the answer is for { $address } itself
note-number-range = { $first } to { $last } read as a range of house numbers: { $number } is the first of them that exists
label-postcode = postcode { $postcode }, { $place } ({ $count } addresses)
label-street = { $street }, { $place } (street, { $count } addresses)
label-postcode-area = postcode area { $digits }, { $place } ({ $count } addresses)

## Answers

answer-near = Just outside the covered area ({ $distance } m), within the { $tolerance } m that its generalised boundaries may be off: answered with the nearest area, { $area } ({ $coverage }).
answer-boundary = On an area boundary; assigned to { $area } by the tie-break rule (lowest buurt code wins).
answer-inside = Inside { $area } ({ $coverage }).
answer-outside-nearest = Outside the coverage of wijkwijzer ({ $coverage }): { $place }.
answer-outside = Outside the coverage of wijkwijzer ({ $coverage }).
answer-also-possible = The text gives the place to ±{ $metres } m; within that it may also lie in { $areas }: give it more precisely (seconds, or decimal minutes).
certainty-certain = certain
certainty-likely = likely
certainty-ambiguous = uncertain
certainty-reason-generalised = The boundaries are generalised and may lie up to about { $metres } m from where they are on the ground.
certainty-reason-boundaries = The boundaries are accurate to about { $metres } m.
certainty-reason-notation = The text gives the place to ±{ $metres } m.
certainty-reason-stated = The input states an uncertainty of { $metres } m.
certainty-reason-spread = What was asked for may lie up to { $metres } m from the point answered (the addresses of a street, a corner between two houses, namesakes, candidates).
answer-uncertain = The area is { $level }: within { $metres } m the place may also lie in { $areas }; the people of each area are in certainty.
notation-aml = AML push (112 caller's phone)
query-aml-no-location = the AML push carries no location (pm=N): ask the caller where they are
query-aml-incomplete = the AML push lacks its latitude (lt) or longitude (lg)
understood-aml = the phone's position within { $radius } m at { $confidence } % confidence, by { $method }, fixed at { $at }
understood-stated-radius = the input states an uncertainty of { $metres } m
understood-ignored = ignored: { $words }
address-whole-municipality = '{ $text }' is the whole municipality: { $count ->
        [one] say where in it (an address, a postcode or a point) to get its wijk and buurt
       *[other] its { $count } areas ({ $areas }) each have their own people; say where in it
    }
address-area-outside = '{ $text }' names an area outside the coverage
address-area-spans = { $name } lies in { $count } areas ({ $areas }): say where in it
address-namesakes-in-areas = { $count } places are called '{ $text }', in different areas ({ $areas }): say which
note-area-name = '{ $name }' is the name of an area ({ $layer }): answered at a point inside it
note-candidates-one-area = { $reason }; they all lie in { $area }, so the area is certain
note-minor-kind = found '{ $name }' as a { $kind }, named after the place rather than the place itself
note-ignored-words = left out as not part of the address: { $words }
note-corner = the corner between { $a } and { $b } ({ $metres } m apart)
address-corner-apart = { $corner }: the two streets do not meet here (their nearest addresses are { $metres } m apart); name a house number or another street
address-other-town = '{ $town }' is another town, outside the coverage of wijkwijzer ({ $coverage }): give a place in the covered area, or contact that town's own services
http-classify-compressed = the body is compressed (Content-Encoding: { $encoding }), which the classification does not read: send the file uncompressed or gzip-compressed (a form upload uncompressed)
http-too-many-connections = The service holds as many connections as it allows. Close idle connections, or try again in a moment.
http-classify-no-room = The server has no room to hold this file's answer ({ $error }). Try again later or with a smaller file; the operator has been told in the log.
classify-bad-body = The request body could not be read ({ $error }). Send the file again, whole, with a correct Content-Length or chunked encoding.
classify-decimal = '{ $value }' is not a decimal separator: give comma or point
classify-bom = '{ $value }' is not a choice for the byte-order mark: give yes, no or auto
classify-header-row = there is no line { $row } to take as the header: give a line from { $first } to { $last } (the header must lie in the file's first 20 lines)
row-number-conflict = the address '{ $street }' carries number { $own } but column '{ $column }' says { $value }: correct one of them (or clear the column)
row-short = the row has { $fields } fields and the header { $header }: empty cells were added, so that the added columns stand under their names
row-long = the row has { $fields } fields and the header { $header }: the { $extra } extra field(s) follow the added columns
http-classify-unpacked-too-large = unpacked, the file is larger than the upload limit; send a smaller file, or split it
outside-where = { $distance } { $direction } of { $area }
compass-n = north
compass-ne = north-east
compass-e = east
compass-se = south-east
compass-s = south
compass-sw = south-west
compass-w = west
compass-nw = north-west
row-outside-where = outside the covered area ({ $coverage }): { $place }
classify-not-a-workbook = the file is a ZIP or Office file but no workbook that can be read (.xlsx, .xls, .ods): save it again from the spreadsheet program, or export the sheet as CSV
classify-no-such-sheet = the workbook has no sheet '{ $sheet }'; its sheets are: { $sheets }
classify-binary = the file is binary data (or UTF-16 text without its byte-order mark), not a table: send CSV or TSV (UTF-8 or Windows-1252), GeoJSON, or a workbook (.xlsx, .ods)
classify-workbook-as-csv = the file is a workbook or ZIP archive, not CSV: send it as a workbook (.xlsx, .ods; Content-Type application/vnd.openxmlformats-officedocument.spreadsheetml.sheet) or export the sheet as CSV
classify-xls = the file is an Excel 97-2003 workbook (.xls), which is not read: its reader cannot be kept within memory limits. Save it as an Excel workbook (.xlsx) or as CSV and send that
workbook-too-large = { $found }; at most { $max } are read ({ $limit }). { $how }
workbook-raise-cli = Raise the limit with --{ $flag } N if the file is what you meant to send, or save the sheet as CSV
workbook-raise-http = The service's administrator can raise it (serve --{ $flag }, { $env }, or { $flag } in the config file); or save the sheet as CSV and send that
workbook-found-unpacked = the workbook's part { $part } unpacks to { $mib } MiB
workbook-found-unpacked-more = the workbook's part { $part } unpacks to more than { $mib } MiB
workbook-found-ratio = the workbook's part { $part } unpacks to { $ratio } times its packed size
workbook-found-strings-announced = the workbook announces { $count } shared strings
workbook-found-strings = the workbook holds more than { $count } shared strings
workbook-found-text = the workbook's shared strings hold more than { $mib } MiB of text
workbook-found-cells = the sheet expands to { $rows } rows of { $columns } columns, { $cells } cells
workbook-found-columns = the sheet has a cell in column { $columns }
workbook-too-many-parts = the file is a ZIP of { $parts } parts, more than any workbook has (at most { $max } are read): send the workbook as the spreadsheet program saved it, or the sheet as CSV
classify-xlsx-for-workbooks = an .xlsx answer is written for a workbook only; this file is CSV or GeoJSON: write the answer as .csv
why-area = assigned to { $area }, which this place lies in{ $period }
why-overlay = assigned to { $area }, a specially drawn area this place lies in (listed first){ $period }
why-city = assigned to the whole of { $municipality }{ $period }
why-vacant = nobody holds this role in { $area }{ $period }; the organisation stands in
why-from = , from { $day }
why-until = , until { $day }
why-between = , from { $from } until { $until }
http-at-unreadable = at: '{ $value }' is not a date-time with an offset: write RFC 3339, e.g. 2026-12-05T23:00:00+01:00 (or …Z for UTC)
why-hours = , { $hours } (not on public holidays)
why-outside-hours = , outside { $hours } and on public holidays
sheet-title = The faces in the neighbourhood
sheet-subtitle = { $municipality }: who of the police and the municipality's enforcement works in which area, as of { $day }
sheet-buurten = Neighbourhoods (buurten): { $names }
sheet-source = Areas: { $source }. People: { $roster }. As of { $day }. Made by wijkwijzer.
sheet-internal = INTERNAL: with names and internal channels. Not for distribution.
sheet-public = Public channels only; names are on the internal version.
sheet-internal-channel = internal
sheet-outside-hours = outside { $hours } and on public holidays
sheet-between = from { $from } until { $until }
sheet-until = until { $day }
sheet-from = from { $day }
sheet-overlay = Drawn apart: { $name }{ $period }
sheet-continued = continued
sheet-unknown-area = there is no area '{ $id }' in the coverage layer; the areas are: { $known }
sheet-bad-lang = lang '{ $lang }': write nl or en
outside-coverage = outside coverage
address-contradiction-street = '{ $text }' contradicts itself: the postcode and number lie in { $here }, the street in { $there }; say which is right
address-contradiction-postcode = '{ $text }' contradicts itself: the street and number lie in { $here }, the postcode in { $there }; say which is right
address-spans-areas = '{ $text }' spans { $count } areas ({ $areas }): give a house number
as-of-malformed = '{ $text }' is not a date; give it as YYYY-MM-DD, e.g. 2021-06-01 (default: today)
as-of-at-two-days = as_of names { $as_of } and at names a moment on { $at } (Europe/Amsterdam): one answer is for one day; give only at, or an as_of of the same day
as-of-before-the-data = { $day } is before the data, which covers { $from } onwards; give { $from } or a later date
situation-unknown = unknown situation '{ $id }'; use one of: { $known }

## The HTTP interface

did-you-mean = did you mean '{ $name }'?
http-not-found = see GET /v1 for the endpoints: /v1/lookup, /v1/situations, /v1/areas, /v1/areas/{"{"}id{"}"}, /v1/layers, /healthz; OGC API Features at /ogc; the page is at /
http-method-not-allowed = this endpoint does not answer this method
http-endpoint-answers = this endpoint answers { $methods }
http-fields-unknown = fields: the answer has no member '{ $field }'; { $near }choose from { $members }
http-fields-empty = fields is empty: name the members you want, comma-separated, from { $members }
http-address-conflicting = give one of: address (free text), postcode and huisnummer (with optional huisletter, toevoeging), q, lat and lon, or x and y
http-postcode-missing = give the postcode with huisnummer, e.g. postcode=6216CG&huisnummer=45
http-huisnummer-missing = give the house number with the postcode, e.g. postcode=6216CG&huisnummer=45
http-incomplete-addresses = the loaded address index holds { $count } addresses from { $source }, not the complete register
http-suggest-limit = limit must be a whole number from 1 to { $max }, got '{ $value }'
http-suggest-q-missing = the text typed so far, e.g. q=brusselsep or q=6216
http-unknown-layer = layer '{ $layer }' does not exist; use one of: { $known }
http-unknown-area = no area has id '{ $id }'; GET /v1/layers lists every area id (e.g. lwa-noord-oost, WK093500, BU09350000)
http-timeout = the service did not answer in time; try again
http-overloaded = the service is at its concurrency limit; try again shortly
http-internal-logged = the error was logged
http-internal = { $what }; this is a fault of the service, not of the request, and it has been logged
http-query-too-long = the query string has { $bytes } bytes; at most { $max } are accepted
http-rate-key = the key '{ $key }' sent more than { $rate } requests per second
http-rate-address = the client address { $address } sent more than { $rate } requests per second (callers without a key are limited per address; a key has its own limit)
http-retry-after = retry after { $seconds } s
http-malformed-query = the query string is not valid URL encoding: { $error }
http-repeated-parameter = parameter '{ $name }' is given more than once; give it once
http-point-missing = give lat and lon in WGS84 degrees (lat=DD.dddd&lon=D.dddd) or x and y in RD New metres (x=XXXXXX&y=YYYYYY&crs=EPSG:28992)
http-lat-lon-always-wgs84 = lat/lon are always WGS84; use x and y for { $crs }
http-lat-lon-together = lat and lon go together
http-x-y-together = x and y go together
http-admin-key-required = an admin key is required: send 'Authorization: Bearer <key>' with a key whose scopes include "admin"
http-reload-refused = { $count ->
    [one] 1 problem found
   *[other] { $count } problems found
}; still serving version { $version }

## OGC API Features

ogc-unknown-crs = { $param }: '{ $value }' is not a CRS this service serves; use { $crs84 } (WGS84 longitude, latitude; the default) or { $rd } (RD New)
ogc-unknown-encoding = f: '{ $value }' is not an encoding this service offers; use f=json or leave it out
ogc-unknown-collection = there is no collection '{ $id }'; the collections are { $known }
ogc-bad-bbox = bbox: '{ $value }' { $why }; give four numbers: minimum x, minimum y, maximum x, maximum y (in CRS84: west longitude, south latitude, east, north), e.g. bbox=5.68,50.84,5.70,50.86
ogc-bbox-not-numbers = is not a list of numbers
ogc-bbox-count = has { $count } numbers
ogc-bbox-inverted = has a minimum above its maximum
ogc-bbox-outside-the-world = lies outside longitude -180..180, latitude -90..90
ogc-bad-number = { $name }: '{ $value }' is not a whole number of at least { $min }
ogc-bbox-crs-without-bbox = bbox-crs is given without a bbox; give both, or neither
ogc-unknown-feature = collection '{ $id }' has no feature '{ $feature }'; /ogc/collections/{ $id }/items lists them
crs-unknown = unknown CRS '{ $name }': use EPSG:4326 (WGS84 lat/lon), EPSG:28992 (RD New x/y) or EPSG:3857 (Web Mercator x/y)
auth-malformed = the Authorization header must be 'Bearer <key>'
auth-unknown-key = the API key is not valid
auth-keys-suspended = keyed access is suspended: the service's key file could not be read or was refused at its last reload, so no key can be checked; the administrator must fix the key file (requests without a key are still answered)

## Classifying files

http-classify-per-client = this client already has { $max } files being classified; wait for an answer before sending the next file
http-classify-busy = the service is classifying as many files as its memory allows; send the file again in a moment
http-classify-timeout = the file was not classified within { $secs } s, the service's limit for one file (classify-timeout-secs); send it in smaller parts, or ask the administrator to raise the limit
classify-media-type = send text/csv, text/tab-separated-values, application/geo+json or application/x-ndjson as the body, or the file as multipart/form-data (curl -F file=@places.csv), not '{ $media }'
classify-bad-form = the multipart/form-data body cannot be read: { $error }
classify-form-two-files = it holds more than one file; send one file per request
classify-form-no-file = it holds no file: send the file as a file part, e.g. curl -F file=@places.csv
classify-parameter-twice = parameter '{ $name }' is given both in the query and in the form; give it once
classify-empty = the input is empty: a CSV needs a header line
classify-not-geojson = the input starts like JSON but is not a GeoJSON FeatureCollection or newline-delimited Features: { $error }
classify-not-a-feature-collection = its type is not "FeatureCollection"
classify-read = reading: { $error }
classify-write = writing: { $error }
classify-no-such-output-column = there is no column '{ $word }' to add; { $near }choose from all, codes, { $columns }
columns-from = { $kind } from { $columns }
columns-street-from = street from { $columns } (woonplaats '{ $woonplaats }')
columns-no-place = cannot tell which columns hold the place: no lat/lon, x/y, postcode/huisnummer, straat/huisnummer or address columns among: { $columns }. Name them with { $options }
columns-no-such-column = { $option } names column '{ $given }', but the header has no such column{ $near } (columns: { $columns })
columns-half = { $have } is given without { $need }: name both columns
columns-lat-lon-swapped = the columns '{ $lat }' and '{ $lon }' hold each other's values (latitudes near 50.85 are in '{ $lon }'): read swapped
columns-other-crs = the values of '{ $x }' and '{ $y }' are { $crs } coordinates, not RD New: read as { $crs }
columns-x-y-swapped = the columns '{ $x }' and '{ $y }' hold each other's values: read swapped
row-outside = outside the covered area ({ $coverage })
row-placed-from = placed from { $kind } ({ $reason }): { $note }
row-column-half-empty = column '{ $empty }' is empty while '{ $full }' holds '{ $value }'
row-no-place = no place in this row: { $columns } { $count ->
    [one] is
   *[other] are
} empty
list-and = { $first } and { $last }
row-not-a-number = column '{ $column }' holds '{ $value }', which is not a number; it should look like { $example }
row-the-latitude = the latitude
row-the-longitude = the longitude
row-place = place
row-address = address
row-out-of-range = '{ $name }' = { $value } is outside { $min }..{ $max } ({ $crs })
row-swapped = '{ $a }' = { $va } and '{ $b }' = { $vb } look swapped in this row: { $municipality } lies at latitude { $lat }, longitude { $lon }
row-looks-like-rd = '{ $a }' = { $va } and '{ $b }' = { $vb } are RD New metres, not degrees; read such values as x/y in EPSG:28992
row-looks-like-web-mercator = '{ $a }' = { $va } and '{ $b }' = { $vb } are Web Mercator metres, not degrees; read such values as x/y in EPSG:3857
row-looks-like-degrees = '{ $a }' = { $va } and '{ $b }' = { $vb } are degrees, not { $crs } metres; read such values as lat/lon (WGS84)
row-no-geometry = the feature has no geometry
row-geometry-not-json = the geometry is not valid JSON: { $error }
row-not-a-point = the geometry is a { $kind }; only Point features are placed
row-geometry-without-type = the geometry has no type
row-point-too-short = the Point has fewer than two numbers
columns-geojson = GeoJSON FeatureCollection, Point geometry ({ $crs })
columns-geojson-seq = newline-delimited GeoJSON, Point geometry ({ $crs })

# ---- Roles as data (issue 34, part 2): the roster's declared roles in texts.
roster-vacant = Vacant: { $role } (ask the organisation)
roster-vacant-since = Vacant: { $role } since { $since } (ask the organisation)

# ---- No honest-looking guess (issue 34, part 6) and examples from the served data (part 5).
understood-map-centre-no-zoom = the centre of the map view, without a zoom: the link marks no place and does not say how far it was zoomed in, so the place meant is taken to lie within { $metres } m; right-click the place and copy its coordinates to be sure
certainty-reason-map-view = The point is the centre of a map view, not a marked place: the place may lie up to { $metres } m away on the screen, and a map view is never certain.
examples-map-link = map link
situation-channel-opens = { $channel } ({ $value }), opens { $when }
situation-channel-closed = { $channel } ({ $value }), closed for the next two weeks
situation-closed-use-now = Closed now: { $closed }. Use now: { $now }.
situation-none-open = None of the channels is open now: { $closed }. The first opens { $when }; in immediate danger: 112.
situation-none-open-soon = None of the channels is open in the next two weeks: { $closed }. In immediate danger: 112.
hours-spoken = { $weekday ->
    [mon] Monday
    [tue] Tuesday
    [wed] Wednesday
    [thu] Thursday
    [fri] Friday
    [sat] Saturday
   *[sun] Sunday
} { $day } { $month ->
    [jan] January
    [feb] February
    [mar] March
    [apr] April
    [may] May
    [jun] June
    [jul] July
    [aug] August
    [sep] September
    [oct] October
    [nov] November
   *[dec] December
} { $time }

# ---- Gazetteer of landmarks (issue 34, part 6, last bullet).
note-place-extent = { $name } ({ $kind }) is not a point: it reaches about { $metres } m from the point answered, and the answer is as certain as all of it allows
