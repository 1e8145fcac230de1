# Nederlandse teksten van wijkwijzer. Elk bericht heeft hier dezelfde id en dezelfde argumenten
# als in en.ftl; de test in src/text/tests.rs bewaakt dat. De gemeente kan deze teksten hier
# verbeteren zonder de code te raken.

## Titels van problemen, één per soort (urn:wijkwijzer:problem:<slug>)

title-missing-parameter = Er ontbreekt een verplichte parameter
title-not-a-number = Een coördinaat is geen getal
title-not-finite = Een coördinaat is geen eindig getal
title-out-of-range = Een coördinaat ligt buiten het bereik
title-swapped-coordinates = Breedte- en lengtegraad lijken verwisseld
title-rd-given-as-wgs84 = RD-coördinaten zijn als breedte-/lengtegraad opgegeven
title-web-mercator-given-as-wgs84 = Web Mercator-coördinaten zijn als breedte-/lengtegraad opgegeven
title-degrees-given-as-projected = Graden zijn als geprojecteerde coördinaten opgegeven
title-unknown-crs = Onbekend coördinaatstelsel
title-conflicting-parameters = Parameters spreken elkaar tegen
title-unknown-parameter = Onbekende parameter
title-unreadable-coordinate = Plaats niet leesbaar
title-malformed-query = Onleesbare querystring
title-repeated-parameter = Een parameter is twee keer opgegeven
title-bad-parameter = Een parameter is niet te lezen
title-bad-limit = Ongeldige limiet
title-unknown-layer = Onbekende laag
title-unknown-situation = Onbekende situatie
title-malformed-form = Onleesbaar formulier
title-unreadable-body = De inhoud van het verzoek kon niet worden gelezen
title-unreadable-address = Het adres is niet te lezen
title-ambiguous-address = Meerdere adressen passen
title-unauthorized = Geen of ongeldige sleutel
title-forbidden = De sleutel mag dit niet
title-not-found = Dit endpoint bestaat niet
title-unknown-area = Onbekend gebied
title-unknown-collection = Onbekende collectie
title-date-not-covered = Geen gegevens voor die datum
title-address-not-found = Adres niet gevonden
title-method-not-allowed = Methode niet toegestaan
title-workbook-too-large = De werkmap wordt groter dan een grens toestaat
title-busy = Er worden te veel bestanden tegelijk ingedeeld
title-body-too-large = De inhoud is te groot
title-query-too-long = Querystring te lang
title-unsupported-media-type = Mediatype niet ondersteund
title-unclassifiable-file = Het bestand kan niet worden ingedeeld
title-invalid-data = De nieuwe gegevens zijn geweigerd
title-rate-limited = Te veel verzoeken
title-internal-error = Interne fout
title-overloaded = Te veel verzoeken tegelijk
title-timeout = Het verzoek duurde te lang
title-no-room = Geen ruimte voor het antwoord
title-keys-suspended = Toegang met een sleutel is opgeschort

## Een plaats lezen uit parameters en tekst

query-missing = parameter '{ $param }' ontbreekt: { $hint }
query-not-a-number = '{ $param }' moet een decimaal getal zijn, zoals 52.25 of 5.125; ontvangen: '{ $value }'
query-not-finite = '{ $param }' moet een eindig getal zijn; ontvangen: '{ $value }'
query-out-of-range = '{ $param }' = { $value } ligt buiten { $min }..{ $max }
query-swapped-near = lat={ $lat }, lon={ $lon } lijkt verwisseld: { $municipality } ligt op lat≈{ $at_lat }, lon≈{ $at_lon }; bedoelt u lat={ $lon }&lon={ $lat }?
query-swapped = lat={ $lat }, lon={ $lon } lijkt verwisseld: in Nederland ligt de breedtegraad tussen 50 en 54 en de lengtegraad tussen 2,5 en 7,5; bedoelt u lat={ $lon }&lon={ $lat }?
query-looks-like-rd = { $a }, { $b } zijn geen graden maar lijken RD-meters; stuur x={ $x }&y={ $y }&crs=EPSG:28992
query-looks-like-web-mercator = { $a }, { $b } zijn geen graden maar lijken Web Mercator-meters; stuur x={ $x }&y={ $y }&crs=EPSG:3857
query-looks-like-degrees = x={ $x }, y={ $y } lijken WGS84-graden, geen geprojecteerde meters; stuur lat={ $lat }&lon={ $lon }
query-unknown-crs = onbekend coördinaatstelsel '{ $value }': gebruik EPSG:28992 (RD), EPSG:3857 (Web Mercator) of EPSG:4326 (WGS84)
query-conflicting = geef één van: q (vrije tekst), lat en lon (WGS84), of x en y (met crs)
query-unknown-parameter = onbekende parameter '{ $name }' { $count ->
    [0] (dit endpoint accepteert geen parameters)
   *[other] (dit endpoint accepteert: { $known })
}
query-unknown-parameter-hint = onbekende parameter '{ $name }'; bedoelt u '{ $hint }'? { $count ->
    [0] (dit endpoint accepteert geen parameters)
   *[other] (dit endpoint accepteert: { $known })
}
query-unreadable = '{ $text }' is niet te lezen als plaats: { $detail }. Voorbeelden: { $examples }
examples-any-map-link = een link van Google Maps of OpenStreetMap
query-empty = de tekst is leeg
query-too-long = de tekst is langer dan { $max } tekens
query-neither-degrees-nor-metres = de getallen { $a } en { $b } gelezen, maar dat zijn geen graden (lat -90..90, lon -180..180), geen RD-meters ({ $range }) en geen Web Mercator-meters bij Nederland
query-not-a-number-word = '{ $word }' is geen getal
query-semicolon-parts = twee getallen gescheiden door ';' verwacht, { $count } delen gevonden
query-number-count = { $count ->
    [1] één getal gevonden; een plaats heeft er twee nodig (breedte- en lengtegraad, of x en y)
   *[other] { $count } getallen gevonden; een plaats heeft er twee nodig (breedte- en lengtegraad, of x en y)
}
query-geo-uri = een geo:-URI heeft de vorm geo:lat,lon, in decimale graden
query-short-link = verkorte kaartlinks zijn alleen via internet te volgen; open de link in een browser en plak de volledige link of de coördinaten
query-google-link-without-place = deze Google Maps-link bevat geen coördinaten (een zoekopdracht naar een naam of adres); klik met de rechtermuisknop op de plaats op de kaart en kopieer de coördinaten
query-osm-link-without-place = deze OpenStreetMap-link bevat geen coördinaten; gebruik de link van een kaartbeeld (#map=zoom/lat/lon) of van een markering (mlat/mlon)
query-apple-link-without-place = deze Apple Maps-link bevat geen coördinaten (ll=lat,lon)
query-unknown-link = links worden gelezen van Google Maps, OpenStreetMap en Apple Maps, en geo:-URI's
query-labelled-needs-both = benoemde coördinaten hebben beide waarden nodig (lat en lon, of x en y)
query-stray-letter = de letter '{ $letter }' hoort bij geen enkele schrijfwijze van coördinaten
query-stray-character = het teken '{ $character }' hoort bij geen enkele schrijfwijze van coördinaten
query-angle-too-many-parts = een hoek heeft hooguit graden, minuten en seconden
query-angle-unit-twice = een hoek noemt dezelfde eenheid twee keer
query-angle-without-degrees = een hoek heeft graden nodig
query-angle-sixty = minuten en seconden moeten onder de 60 liggen ({ $minutes }' { $seconds }" gelezen)
query-angle-decimal-minutes-and-seconds = na decimale minuten kunnen geen seconden volgen
query-angle-count = { $count } hoeken gevonden; een plaats heeft er twee nodig
query-two-latitudes = beide hoeken zijn breedtegraden; één moet een breedtegraad (N/Z) zijn en één een lengtegraad (O/W)
query-two-longitudes = beide hoeken zijn lengtegraden; één moet een breedtegraad (N/Z) zijn en één een lengtegraad (O/W)
query-unmarked-numbers = { $count } getallen zonder tekens gevonden; graden en minuten zijn niet van elkaar te onderscheiden

## Hoe een tekst gelezen is (`understood.understood_as` in een antwoord)

notation-decimal-degrees = decimale graden (WGS84)
notation-dms = graden, minuten, seconden (WGS84)
notation-decimal-minutes = graden en decimale minuten (WGS84)
notation-rd = RD-meters (EPSG:28992)
notation-web-mercator = Web Mercator-meters (EPSG:3857)
notation-geo-uri = geo:-URI
notation-google-link = Google Maps-link
notation-osm-link = OpenStreetMap-link
notation-apple-link = Apple Maps-link
notation-plus-code = pluscode (Open Location Code)
understood-given-as-y-x = opgegeven als y, x
understood-given-as-lon-lat = opgegeven als lon, lat: omgedraaid
understood-map-centre = het midden van het kaartbeeld op zoomniveau { $zoom }: de link markeert geen plaats, dus de bedoelde plaats kan overal op het scherm liggen, tot ongeveer { $metres } m van het midden (op een telefoonscherm van 400 × 800 px); klik met de rechtermuisknop op de plaats en kopieer de coördinaten om zeker te zijn
understood-plus-code-cell = het midden van de cel, binnen { $metres } m
understood-written-to = opgegeven tot op ±{ $metres } m

## Pluscodes

pluscode-padded-then-more = '{ $code }': een pluscode die met 0 is aangevuld, eindigt bij de +; daarna mag niets volgen
pluscode-padding-not-last = '{ $code }': de aanvulling met 0 moet als laatste komen, vóór de +
pluscode-one-symbol-after-plus = '{ $code }': na de + komen twee of meer tekens (bijv. +H5)
pluscode-beyond-the-poles = '{ $code }' is geen pluscode: de eerste twee tekens liggen voorbij de polen of de datumgrens
pluscode-town-not-needed = een volledige pluscode; '{ $town }' was niet nodig
pluscode-short-needs-two-after-plus = '{ $code }': een korte pluscode heeft twee of meer tekens na de + (bijv. RQ2Q+H5)
pluscode-other-town = '{ $code } { $town }': een korte pluscode wordt aangevuld vanuit de plaatsnaam, en alleen { $municipality } valt binnen het gebied; geef de volledige code (acht tekens vóór de +, door Google Maps getoond onder de pluscode van de plaats)
pluscode-completed = een korte pluscode, aangevuld bij { $town } tot { $full }
pluscode-completed-without-town = een korte pluscode, aangevuld bij { $municipality } (geen plaats opgegeven) tot { $full }

## Een adres of een plaats met een naam vinden

address-empty = het adres is leeg
address-too-long = het adres is langer dan { $max } tekens
address-bad-postcode = postcode '{ $postcode }' is geen Nederlandse postcode: vier cijfers en twee letters, bijv. 6211CK
address-empty-street = de straat is leeg: geef een straat met huisnummer{ $address }
address-number-alone = een huisnummer alleen is geen adres: voeg de straat toe{ $address } of de postcode{ $postcode }
address-nothing = geef een straat en huisnummer{ $address } of een postcode en huisnummer{ $postcode }
address-no-such-postcode = geen adres heeft postcode { $postcode }
address-number-missing = { $address } bestaat niet; de dichtstbijzijnde huisnummers staan erbij
address-number-only-with-suffix = { $address } bestaat alleen als { $forms }: zeg welke
address-unknown-woonplaats = geen woonplaats '{ $woonplaats }' onder de geladen adressen ({ $known }): de plaats ligt misschien buiten het gebied; zonder woonplaats: { $reason }
address-exists-elsewhere = geen woonplaats '{ $woonplaats }' bekend; het adres bestaat elders
address-in-several-woonplaatsen = '{ $address }' bestaat in { $count } woonplaatsen: voeg de woonplaats of de postcode toe
address-no-street-in = geen straat '{ $street }' in '{ $woonplaats }'
address-no-street = geen straat '{ $street }' (ook niet met twee tikfouten) onder de { $count } geladen adressen
address-streets-starting-so = straten die zo beginnen: { $streets }
address-street-not-indexed = geen straat '{ $street }' onder de { $count } geladen adressen; het kan een straat zijn die er niet in staat, geen tikfout: namen die erop lijken zijn { $near }
address-near-street = { $street } ({ $edits ->
    [1] 1 letter
   *[other] { $edits } letters
} anders)
address-near-streets-in = gebieden van die namen: { $list }
address-near-street-in = { $street } (gebied { $area })
address-near-streets-apart = die straten liggen tot { $metres } m uit elkaar
note-fuzzy-street = '{ $text }' staat niet zo in de adresindex: gelezen als { $street } ({ $edits ->
    [1] 1 letter
   *[other] { $edits } letters
} anders): het antwoord geldt voor { $street }, niet voor de naam zoals gegeven
address-several-streets = '{ $street }' is de naam van { $count } straten: voeg de woonplaats, een huisnummer of de postcode toe
address-no-postcode-area = geen geladen adres heeft een postcode die begint met { $digits } (de { $count } geladen adressen beslaan { $source })
address-long-huisletter = huisletter '{ $huisletter }' moet één letter zijn (BAG); zet langere toevoegingen in toevoeging
address-number-with-suffix = huisnummer '{ $huisnummer }' heeft al een toevoeging; geef het nummer alleen, met huisletter/toevoeging apart
address-huisletter-not-a-letter = huisletter '{ $huisletter }' is geen letter A-Z
address-bad-toevoeging = toevoeging '{ $toevoeging }' moet 1 tot 4 letters of cijfers zijn (BAG-huisnummertoevoeging)
address-no-house-number = '{ $text }' begint niet met een huisnummer
address-house-number-range = huisnummer '{ $number }' ligt niet tussen 1 en 99999
address-too-much-after-number = '{ $text }' heeft na het nummer meer dan een huisletter en een toevoeging
address-place-namesakes = '{ $text }' is de naam van { $count } plaatsen: voeg de straat toe, bijv. '{ $example }', of geef het adres
address-place-namesakes-without-street = '{ $text }' is de naam van { $count } plaatsen: geef het adres
note-address-wins-over-place = '{ $text }' is ook de naam van { $count ->
    [1] { $place }
   *[other] { $count } plaatsen
}: beantwoord als het adres, dat bestaat
note-address-wins-over-similar-place = '{ $text }' lijkt ook op de naam van { $count ->
    [1] { $place }
   *[other] { $count } plaatsen
}: beantwoord als het adres, dat bestaat
note-places-together = { $count } plaatsen hebben deze naam, alle binnen { $metres } m: beantwoord met de eerste
note-fuzzy-place = '{ $text }' gelezen als de plaats '{ $name }' ({ $edits ->
    [1] 1 letter
   *[other] { $edits } letters
} anders)
note-near-word = '{ $word }' gelezen als "in de buurt van": het antwoord geldt voor { $address } zelf
note-number-range = { $first } tot en met { $last } gelezen als een reeks huisnummers: { $number } is de eerste die bestaat
label-postcode = postcode { $postcode }, { $place } ({ $count } adressen)
label-street = { $street }, { $place } (straat, { $count } adressen)
label-postcode-area = postcodegebied { $digits }, { $place } ({ $count } adressen)

## Antwoorden

answer-near = Net buiten het gebied ({ $distance } m), binnen de { $tolerance } m die de vereenvoudigde grenzen kunnen afwijken: beantwoord met het dichtstbijzijnde gebied, { $area } ({ $coverage }).
answer-boundary = Op een gebiedsgrens; toegewezen aan { $area } volgens de vaste regel (de laagste buurtcode wint).
answer-inside = In { $area } ({ $coverage }).
answer-outside-nearest = Buiten het gebied van wijkwijzer ({ $coverage }): { $place }.
answer-outside = Buiten het gebied van wijkwijzer ({ $coverage }).
answer-also-possible = De tekst geeft de plaats op ±{ $metres } m; binnen die marge kan ze ook in { $areas } liggen: geef de plaats nauwkeuriger op (seconden, of decimale minuten).
certainty-certain = zeker
certainty-likely = waarschijnlijk
certainty-ambiguous = onzeker
certainty-reason-generalised = De grenzen zijn vereenvoudigd en kunnen tot ongeveer { $metres } m afwijken van waar ze in werkelijkheid liggen.
certainty-reason-boundaries = De grenzen zijn nauwkeurig tot ongeveer { $metres } m.
certainty-reason-notation = De tekst geeft de plaats op ±{ $metres } m.
certainty-reason-stated = De invoer geeft een onzekerheid van { $metres } m.
certainty-reason-spread = Wat gevraagd is kan tot { $metres } m van het beantwoorde punt liggen (de adressen van een straat, een hoek tussen twee huizen, naamgenoten, kandidaten).
answer-uncertain = Het gebied is { $level }: binnen { $metres } m kan de plaats ook in { $areas } liggen; de mensen van elk gebied staan bij certainty.
notation-aml = AML-bericht (telefoon van de 112-beller)
query-aml-no-location = het AML-bericht bevat geen locatie (pm=N): vraag de beller waar die is
query-aml-incomplete = het AML-bericht mist de breedtegraad (lt) of lengtegraad (lg)
understood-aml = de positie van de telefoon binnen { $radius } m met { $confidence } % zekerheid, via { $method }, bepaald op { $at }
understood-stated-radius = de invoer geeft een onzekerheid van { $metres } m
understood-ignored = genegeerd: { $words }
address-whole-municipality = '{ $text }' is de hele gemeente: { $count ->
        [one] zeg waar daarin (een adres, een postcode of een punt) voor de wijk en buurt
       *[other] haar { $count } gebieden ({ $areas }) hebben elk hun eigen mensen; zeg waar daarin
    }
address-area-outside = '{ $text }' is de naam van een gebied buiten het verzorgingsgebied
address-area-spans = { $name } ligt in { $count } gebieden ({ $areas }): zeg waar daarin
address-namesakes-in-areas = { $count } plaatsen heten '{ $text }', in verschillende gebieden ({ $areas }): zeg welke
note-area-name = '{ $name }' is de naam van een gebied ({ $layer }): beantwoord met een punt daarbinnen
note-candidates-one-area = { $reason }; ze liggen allemaal in { $area }, dus het gebied is zeker
note-minor-kind = '{ $name }' gevonden als { $kind }, genoemd naar de plaats maar niet de plaats zelf
note-ignored-words = weggelaten omdat het niet bij het adres hoort: { $words }
note-corner = de hoek tussen { $a } en { $b } ({ $metres } m uit elkaar)
address-corner-apart = { $corner }: de twee straten komen hier niet samen (hun dichtstbijzijnde adressen liggen { $metres } m uit elkaar); noem een huisnummer of een andere straat
address-other-town = '{ $town }' is een andere plaats, buiten het gebied van wijkwijzer ({ $coverage }): geef een plaats in het gebied, of neem contact op met de diensten van die plaats
http-classify-compressed = de inhoud is gecomprimeerd (Content-Encoding: { $encoding }), wat de classificatie niet leest: stuur het bestand ongecomprimeerd of met gzip gecomprimeerd (een formulier ongecomprimeerd)
http-too-many-connections = De dienst heeft zoveel verbindingen open als hij toestaat. Sluit verbindingen die niets doen, of probeer het zo opnieuw.
http-classify-no-room = De server heeft geen ruimte om het antwoord op dit bestand te bewaren ({ $error }). Probeer het later opnieuw of met een kleiner bestand; de beheerder ziet het in het logboek.
classify-bad-body = De inhoud van het verzoek kon niet worden gelezen ({ $error }). Stuur het bestand opnieuw, in zijn geheel, met een juiste Content-Length of chunked-codering.
classify-decimal = '{ $value }' is geen decimaalteken: geef comma of point
classify-bom = '{ $value }' is geen keuze voor de byte-order mark: geef yes, no of auto
classify-header-row = er is geen regel { $row } om als kopregel te nemen: geef een regel van { $first } tot { $last } (de kopregel moet in de eerste 20 regels staan)
row-number-conflict = het adres '{ $street }' heeft huisnummer { $own } maar kolom '{ $column }' zegt { $value }: verbeter een van beide (of maak de kolom leeg)
row-short = de rij heeft { $fields } velden en de kop { $header }: er zijn lege cellen toegevoegd, zodat de toegevoegde kolommen onder hun naam staan
row-long = de rij heeft { $fields } velden en de kop { $header }: de { $extra } extra veld(en) staan na de toegevoegde kolommen
http-classify-unpacked-too-large = uitgepakt is het bestand groter dan de grens voor uploads; stuur een kleiner bestand, of splits het
outside-where = { $distance } ten { $direction } van { $area }
compass-n = noorden
compass-ne = noordoosten
compass-e = oosten
compass-se = zuidoosten
compass-s = zuiden
compass-sw = zuidwesten
compass-w = westen
compass-nw = noordwesten
row-outside-where = buiten het gedekte gebied ({ $coverage }): { $place }
classify-not-a-workbook = het bestand is een ZIP- of Office-bestand maar geen werkmap die gelezen kan worden (.xlsx, .xls, .ods): sla het opnieuw op vanuit het spreadsheetprogramma, of exporteer het blad als CSV
classify-no-such-sheet = de werkmap heeft geen blad '{ $sheet }'; de bladen zijn: { $sheets }
classify-binary = het bestand is binaire data (of UTF-16-tekst zonder byte-order mark), geen tabel: stuur CSV of TSV (UTF-8 of Windows-1252), GeoJSON, of een werkmap (.xlsx, .ods)
classify-workbook-as-csv = het bestand is een werkmap of ZIP-archief, geen CSV: stuur het als werkmap (.xlsx, .ods; Content-Type application/vnd.openxmlformats-officedocument.spreadsheetml.sheet) of exporteer het blad als CSV
classify-xls = het bestand is een Excel 97-2003-werkmap (.xls), die niet gelezen wordt: die lezer kan niet binnen geheugengrenzen gehouden worden. Sla het op als Excel-werkmap (.xlsx) of als CSV en stuur dat
workbook-too-large = { $found }; er worden er hoogstens { $max } gelezen ({ $limit }). { $how }
workbook-raise-cli = Verhoog de grens met --{ $flag } N als dit het bestand is dat u bedoelde, of sla het blad op als CSV
workbook-raise-http = De beheerder van de dienst kan de grens verhogen (serve --{ $flag }, { $env }, of { $flag } in het configuratiebestand); of sla het blad op als CSV en stuur dat
workbook-found-unpacked = het onderdeel { $part } van de werkmap wordt uitgepakt { $mib } MiB
workbook-found-unpacked-more = het onderdeel { $part } van de werkmap wordt uitgepakt meer dan { $mib } MiB
workbook-found-ratio = het onderdeel { $part } van de werkmap wordt uitgepakt { $ratio } keer zo groot als ingepakt
workbook-found-strings-announced = de werkmap kondigt { $count } gedeelde teksten aan
workbook-found-strings = de werkmap bevat meer dan { $count } gedeelde teksten
workbook-found-text = de gedeelde teksten van de werkmap bevatten meer dan { $mib } MiB tekst
workbook-found-cells = het blad wordt { $rows } rijen van { $columns } kolommen, { $cells } cellen
workbook-found-columns = het blad heeft een cel in kolom { $columns }
workbook-too-many-parts = het bestand is een ZIP van { $parts } onderdelen, meer dan een werkmap heeft (er worden er hoogstens { $max } gelezen): stuur de werkmap zoals het spreadsheetprogramma haar opsloeg, of het blad als CSV
classify-xlsx-for-workbooks = een .xlsx-antwoord wordt alleen voor een werkmap geschreven; dit bestand is CSV of GeoJSON: schrijf het antwoord als .csv
why-area = toegewezen aan { $area }, waarin deze plaats ligt{ $period }
why-overlay = toegewezen aan { $area }, een apart getekend gebied waarin deze plaats ligt (eerst genoemd){ $period }
why-city = toegewezen aan heel { $municipality }{ $period }
why-vacant = niemand vervult deze rol in { $area }{ $period }; de organisatie neemt waar
why-from = , vanaf { $day }
why-until = , tot en met { $day }
why-between = , van { $from } tot en met { $until }
http-at-unreadable = at: '{ $value }' is geen tijdstip met tijdzoneverschil: schrijf RFC 3339, bijvoorbeeld 2026-12-05T23:00:00+01:00 (of …Z voor UTC)
why-hours = , { $hours } (niet op feestdagen)
why-outside-hours = , buiten { $hours } en op feestdagen
sheet-title = De gezichten in de wijk
sheet-subtitle = { $municipality }: wie van politie en gemeentelijke handhaving in welk gebied werkt, per { $day }
sheet-buurten = Buurten: { $names }
sheet-source = Gebieden: { $source }. Mensen: { $roster }. Peildatum { $day }. Gemaakt met wijkwijzer.
sheet-internal = INTERN: met namen en interne kanalen. Niet verspreiden.
sheet-public = Alleen openbare kanalen; namen staan in de interne versie.
sheet-internal-channel = intern
sheet-outside-hours = buiten { $hours } en op feestdagen
sheet-between = van { $from } tot en met { $until }
sheet-until = tot en met { $day }
sheet-from = vanaf { $day }
sheet-overlay = Apart getekend: { $name }{ $period }
sheet-continued = vervolg
sheet-unknown-area = er is geen gebied '{ $id }' in de dekkingslaag; de gebieden zijn: { $known }
sheet-bad-lang = lang '{ $lang }': schrijf nl of en
outside-coverage = buiten het gebied
address-contradiction-street = '{ $text }' spreekt zichzelf tegen: postcode en huisnummer liggen in { $here }, de straat in { $there }; zeg wat juist is
address-contradiction-postcode = '{ $text }' spreekt zichzelf tegen: straat en huisnummer liggen in { $here }, de postcode in { $there }; zeg wat juist is
address-spans-areas = '{ $text }' beslaat { $count } gebieden ({ $areas }): geef een huisnummer
as-of-malformed = '{ $text }' is geen datum; geef die als JJJJ-MM-DD, bijv. 2021-06-01 (standaard: vandaag)
as-of-at-two-days = as_of noemt { $as_of } en at een moment op { $at } (Europe/Amsterdam): één antwoord geldt voor één dag; geef alleen at, of een as_of van dezelfde dag
as-of-before-the-data = { $day } ligt vóór de gegevens, die vanaf { $from } gelden; geef { $from } of een latere datum
situation-unknown = onbekende situatie '{ $id }'; kies uit: { $known }

## De HTTP-interface

did-you-mean = bedoelt u '{ $name }'?
http-not-found = zie GET /v1 voor de endpoints: /v1/lookup, /v1/situations, /v1/areas, /v1/areas/{"{"}id{"}"}, /v1/layers, /healthz; OGC API Features op /ogc; de pagina staat op /
http-method-not-allowed = dit endpoint beantwoordt deze methode niet
http-endpoint-answers = dit endpoint beantwoordt { $methods }
http-fields-unknown = fields: het antwoord heeft geen onderdeel '{ $field }'; { $near }kies uit { $members }
http-fields-empty = fields is leeg: noem de onderdelen die u wilt, gescheiden door komma's, uit { $members }
http-address-conflicting = geef één van: address (vrije tekst), postcode en huisnummer (met eventueel huisletter, toevoeging), q, lat en lon, of x en y
http-postcode-missing = geef de postcode samen met huisnummer, bijv. postcode=6216CG&huisnummer=45
http-huisnummer-missing = geef het huisnummer samen met de postcode, bijv. postcode=6216CG&huisnummer=45
http-incomplete-addresses = de geladen adresindex bevat { $count } adressen uit { $source }, niet de volledige registratie
http-suggest-limit = limit moet een geheel getal van 1 tot { $max } zijn; ontvangen: '{ $value }'
http-suggest-q-missing = de tekst die tot nu toe is getypt, bijv. q=brusselsep of q=6216
http-unknown-layer = laag '{ $layer }' bestaat niet; kies uit: { $known }
http-unknown-area = geen gebied heeft id '{ $id }'; GET /v1/layers noemt elk gebieds-id (bijv. lwa-noord-oost, WK093500, BU09350000)
http-timeout = de dienst antwoordde niet op tijd; probeer het opnieuw
http-overloaded = de dienst verwerkt het maximale aantal verzoeken tegelijk; probeer het zo opnieuw
http-internal-logged = de fout is vastgelegd
http-internal = { $what }; dit is een fout van de dienst, niet van het verzoek, en is vastgelegd
http-query-too-long = de querystring is { $bytes } bytes; er worden er hooguit { $max } aangenomen
http-rate-key = de sleutel '{ $key }' stuurde meer dan { $rate } verzoeken per seconde
http-rate-address = het clientadres { $address } stuurde meer dan { $rate } verzoeken per seconde (zonder sleutel geldt de limiet per adres; een sleutel heeft een eigen limiet)
http-retry-after = probeer het over { $seconds } s opnieuw
http-malformed-query = de querystring is geen geldige URL-codering: { $error }
http-repeated-parameter = parameter '{ $name }' is meer dan eens opgegeven; geef hem één keer
http-point-missing = geef lat en lon in WGS84-graden (lat=DD.dddd&lon=D.dddd) of x en y in RD-meters (x=XXXXXX&y=YYYYYY&crs=EPSG:28992)
http-lat-lon-always-wgs84 = lat/lon zijn altijd WGS84; gebruik x en y voor { $crs }
http-lat-lon-together = lat en lon horen bij elkaar
http-x-y-together = x en y horen bij elkaar
http-admin-key-required = een beheersleutel is nodig: stuur 'Authorization: Bearer <sleutel>' met een sleutel waarvan de scopes "admin" bevatten
http-reload-refused = { $count ->
    [one] 1 probleem gevonden
   *[other] { $count } problemen gevonden
}; de dienst gebruikt nog versie { $version }

## OGC API Features

ogc-unknown-crs = { $param }: '{ $value }' is geen coördinaatstelsel dat deze dienst levert; gebruik { $crs84 } (WGS84 lengte-, breedtegraad; de standaard) of { $rd } (RD)
ogc-unknown-encoding = f: '{ $value }' is geen codering die deze dienst biedt; gebruik f=json of laat f weg
ogc-unknown-collection = er is geen collectie '{ $id }'; de collecties zijn { $known }
ogc-bad-bbox = bbox: '{ $value }' { $why }; geef vier getallen: minimum x, minimum y, maximum x, maximum y (in CRS84: westelijke lengtegraad, zuidelijke breedtegraad, oost, noord), bijv. bbox=5.68,50.84,5.70,50.86
ogc-bbox-not-numbers = is geen lijst van getallen
ogc-bbox-count = heeft { $count } getallen
ogc-bbox-inverted = heeft een minimum boven het maximum
ogc-bbox-outside-the-world = ligt buiten lengtegraad -180..180, breedtegraad -90..90
ogc-bad-number = { $name }: '{ $value }' is geen geheel getal van ten minste { $min }
ogc-bbox-crs-without-bbox = bbox-crs is opgegeven zonder bbox; geef beide, of geen van beide
ogc-unknown-feature = collectie '{ $id }' heeft geen feature '{ $feature }'; /ogc/collections/{ $id }/items noemt ze
crs-unknown = onbekend coördinaatstelsel '{ $name }': gebruik EPSG:4326 (WGS84 lat/lon), EPSG:28992 (RD x/y) of EPSG:3857 (Web Mercator x/y)
auth-malformed = de Authorization-header moet 'Bearer <sleutel>' zijn
auth-unknown-key = de API-sleutel is niet geldig
auth-keys-suspended = toegang met een sleutel is opgeschort: het sleutelbestand van de dienst kon bij de laatste herlaadbeurt niet worden gelezen of werd geweigerd, dus geen enkele sleutel kan worden gecontroleerd; de beheerder moet het sleutelbestand herstellen (verzoeken zonder sleutel worden nog beantwoord)

## Bestanden indelen

http-classify-per-client = deze client laat al { $max } bestanden indelen; wacht op een antwoord voor u het volgende bestand stuurt
http-classify-busy = de dienst deelt zoveel bestanden in als het geheugen toelaat; stuur het bestand zo dadelijk opnieuw
http-classify-timeout = het bestand is niet binnen { $secs } s ingedeeld, de grens van de dienst voor één bestand (classify-timeout-secs); stuur het in kleinere delen, of vraag de beheerder de grens te verhogen
classify-media-type = stuur text/csv, text/tab-separated-values, application/geo+json of application/x-ndjson als inhoud, of het bestand als multipart/form-data (curl -F file=@places.csv), niet '{ $media }'
classify-bad-form = de multipart/form-data-inhoud is niet te lezen: { $error }
classify-form-two-files = er zit meer dan één bestand in; stuur één bestand per verzoek
classify-form-no-file = er zit geen bestand in: stuur het bestand als bestandsdeel, bijv. curl -F file=@places.csv
classify-parameter-twice = parameter '{ $name }' staat zowel in de query als in het formulier; geef hem één keer
classify-empty = de invoer is leeg: een CSV heeft een kopregel nodig
classify-not-geojson = de invoer begint als JSON maar is geen GeoJSON-FeatureCollection of regel-voor-regel-Features: { $error }
classify-not-a-feature-collection = het type is niet "FeatureCollection"
classify-read = lezen: { $error }
classify-write = schrijven: { $error }
classify-no-such-output-column = er is geen kolom '{ $word }' om toe te voegen; { $near }kies uit all, codes, { $columns }
columns-from = { $kind } uit { $columns }
columns-street-from = straat uit { $columns } (woonplaats '{ $woonplaats }')
columns-no-place = niet te zien welke kolommen de plaats bevatten: geen kolommen lat/lon, x/y, postcode/huisnummer, straat/huisnummer of adres onder: { $columns }. Noem ze met { $options }
columns-no-such-column = { $option } noemt kolom '{ $given }', maar de kopregel heeft die kolom niet{ $near } (kolommen: { $columns })
columns-half = { $have } is opgegeven zonder { $need }: noem beide kolommen
columns-lat-lon-swapped = de kolommen '{ $lat }' en '{ $lon }' bevatten elkaars waarden (breedtegraden rond 50.85 staan in '{ $lon }'): omgedraaid gelezen
columns-other-crs = de waarden van '{ $x }' en '{ $y }' zijn { $crs }-coördinaten, geen RD: gelezen als { $crs }
columns-x-y-swapped = de kolommen '{ $x }' en '{ $y }' bevatten elkaars waarden: omgedraaid gelezen
row-outside = buiten het gebied ({ $coverage })
row-placed-from = geplaatst vanuit { $kind } ({ $reason }): { $note }
row-column-half-empty = kolom '{ $empty }' is leeg terwijl '{ $full }' '{ $value }' bevat
row-no-place = geen plaats in deze rij: { $columns } { $count ->
    [one] is
   *[other] zijn
} leeg
list-and = { $first } en { $last }
row-not-a-number = kolom '{ $column }' bevat '{ $value }', en dat is geen getal; het zou eruit moeten zien als { $example }
row-the-latitude = de breedtegraad
row-the-longitude = de lengtegraad
row-place = plaats
row-address = adres
row-out-of-range = '{ $name }' = { $value } ligt buiten { $min }..{ $max } ({ $crs })
row-swapped = '{ $a }' = { $va } en '{ $b }' = { $vb } lijken in deze rij verwisseld: { $municipality } ligt op breedtegraad { $lat }, lengtegraad { $lon }
row-looks-like-rd = '{ $a }' = { $va } en '{ $b }' = { $vb } zijn RD-meters, geen graden; lees zulke waarden als x/y in EPSG:28992
row-looks-like-web-mercator = '{ $a }' = { $va } en '{ $b }' = { $vb } zijn Web Mercator-meters, geen graden; lees zulke waarden als x/y in EPSG:3857
row-looks-like-degrees = '{ $a }' = { $va } en '{ $b }' = { $vb } zijn graden, geen { $crs }-meters; lees zulke waarden als lat/lon (WGS84)
row-no-geometry = de feature heeft geen geometrie
row-geometry-not-json = de geometrie is geen geldige JSON: { $error }
row-not-a-point = de geometrie is een { $kind }; alleen Point-features worden geplaatst
row-geometry-without-type = de geometrie heeft geen type
row-point-too-short = het Point heeft minder dan twee getallen
columns-geojson = GeoJSON-FeatureCollection, Point-geometrie ({ $crs })
columns-geojson-seq = GeoJSON regel voor regel, Point-geometrie ({ $crs })

# ---- Rollen als gegevens (issue 34, deel 2): de rollen die het rooster noemt, in teksten.
roster-vacant = Onbezet: { $role } (vraag het de organisatie)
roster-vacant-since = Onbezet: { $role } sinds { $since } (vraag het de organisatie)

# ---- Geen eerlijk ogende gok (issue 34, deel 6) en voorbeelden uit de gegevens (deel 5).
understood-map-centre-no-zoom = het midden van het kaartbeeld, zonder zoomniveau: de link markeert geen plaats en zegt niet hoe ver ingezoomd was, dus de bedoelde plaats wordt binnen { $metres } m gerekend; klik met de rechtermuisknop op de plaats en kopieer de coördinaten om zeker te zijn
certainty-reason-map-view = Het punt is het midden van een kaartbeeld, geen gemarkeerde plaats: de plaats kan tot { $metres } m verderop op het scherm liggen, en een kaartbeeld is nooit zeker.
examples-map-link = kaartlink
situation-channel-opens = { $channel } ({ $value }), open vanaf { $when }
situation-channel-closed = { $channel } ({ $value }), de komende twee weken gesloten
situation-closed-use-now = Nu gesloten: { $closed }. Gebruik nu: { $now }.
situation-none-open = Geen van de meldkanalen is nu open: { $closed }. Het eerste opent { $when }; bij direct gevaar: 112.
situation-none-open-soon = Geen van de meldkanalen is de komende twee weken open: { $closed }. Bij direct gevaar: 112.
hours-spoken = { $weekday ->
    [mon] maandag
    [tue] dinsdag
    [wed] woensdag
    [thu] donderdag
    [fri] vrijdag
    [sat] zaterdag
   *[sun] zondag
} { $day } { $month ->
    [jan] januari
    [feb] februari
    [mar] maart
    [apr] april
    [may] mei
    [jun] juni
    [jul] juli
    [aug] augustus
    [sep] september
    [oct] oktober
    [nov] november
   *[dec] december
} { $time }

# ---- Gazetteer van herkenningspunten (issue 34, deel 6, laatste punt).
note-place-extent = { $name } ({ $kind }) is geen punt: het reikt tot ongeveer { $metres } m van het geantwoorde punt, en het antwoord is zo zeker als het geheel toelaat
