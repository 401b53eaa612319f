"""Demo content, and the starting point of the real site: the organisation, its programs,
places and news as its own pages and other public pages tell them (the fact sheet
``shared/facts/asti-facts.md``, whose source ids [A#]/[X#] the comments cite), translated
faithfully; what no source says is left empty, and the editor's "To check before going
live" list shows it. The three news items are copied from the organisation's current site
(``shared/seed/asti-site-page.txt``); the Russian journalism training stays Russian-only
so that the fallback can be seen. The old site's addresses come from
``legacy-redirects.csv`` beside this module (the format ``redirects-import`` reads).

The organisation is named as its sources write it: PO "ASTI" (Association of Scientific
and Technical Intelligentsia of Tajikistan); Russian ОО «АНТИ»; Tajik ТҶ «АЗИТ»
(Ассотсиатсияи зиёиёни илмӣ-техникии Тоҷикистон)."""

import csv
from datetime import date, datetime
from pathlib import Path
from textwrap import dedent

from sqlalchemy import select

from .extensions import db
from .layout import SITE
from .models import LegacyRedirect, News, Page, Partner, Program, Region, Setting, legacy_paths
from .text import make_slug

#: Every asti.tj address the sources show [A1]-[A23], and the page that replaces it.
LEGACY_REDIRECTS = Path(__file__).with_name("legacy-redirects.csv")


def md(text: str) -> str:
    return dedent(text).strip()


def jamoat(ref: str, parent: str, position: int, tg: str, ru: str, en: str) -> dict:
    """A jamoat of the tree: where it lies exactly is not stated, so it has no map point."""
    return {
        "ref": ref,
        "parent": parent,
        "kind": "jamoat",
        "country": "TJ",
        "position": position,
        "text": {
            "tg": {"title": f"Ҷамоати {tg}"},
            "ru": {"title": f"Джамоат {ru}"},
            "en": {"title": f"{en} jamoat"},
        },
    }


# Places of section 3 of the fact sheet. A point (latitude, longitude) only where the
# place's location is known well; the others are in the list only.
REGIONS = [
    {
        "ref": "sughd",
        "kind": "oblast",
        "country": "TJ",
        "position": 1,
        # Where the map writes the region's name: the north of the oblast, clear of the towns.
        "latitude": 40.6,
        "longitude": 69.45,
        "text": {
            "tg": {"title": "Вилояти Суғд"},
            "ru": {"title": "Согдийская область"},
            "en": {"title": "Sughd region"},
        },
    },
    {
        "ref": "isfara",
        "parent": "sughd",
        "kind": "city",
        "country": "TJ",
        "position": 2,
        "latitude": 40.126,
        "longitude": 70.625,
        "text": {
            "tg": {"title": "Шаҳри Исфара"},
            "ru": {"title": "Город Исфара"},
            "en": {"title": "Isfara"},
        },
    },
    {
        "ref": "gafurov",
        "parent": "sughd",
        "kind": "district",
        "country": "TJ",
        "position": 3,
        # Ghafurov, the district's centre.
        "latitude": 40.216,
        "longitude": 69.729,
        "text": {
            "tg": {"title": "Ноҳияи Бобоҷон Ғафуров"},
            "ru": {"title": "Бободжон-Гафуровский район"},
            "en": {"title": "Bobojon Gafurov district"},
        },
    },
    {
        "ref": "asht",
        "parent": "sughd",
        "kind": "district",
        "country": "TJ",
        "position": 4,
        # Shaydon, the district's centre.
        "latitude": 40.670,
        "longitude": 70.350,
        "text": {
            "tg": {"title": "Ноҳияи Ашт"},
            "ru": {"title": "Аштский район"},
            "en": {"title": "Asht district"},
        },
    },
    {
        "ref": "guliston",
        "parent": "sughd",
        "kind": "city",
        "country": "TJ",
        "position": 5,
        # Guliston, formerly Qayroqqum (Kayrakkum), by the reservoir's dam.
        "latitude": 40.266,
        "longitude": 69.796,
        "text": {
            "tg": {"title": "Шаҳри Гулистон"},
            "ru": {"title": "Город Гулистон"},
            "en": {"title": "Guliston"},
        },
    },
    {
        "ref": "khujand",
        "parent": "sughd",
        "kind": "city",
        "country": "TJ",
        "position": 1,
        "latitude": 40.283,
        "longitude": 69.622,
        "text": {
            "tg": {"title": "Шаҳри Хуҷанд"},
            "ru": {"title": "Город Худжанд"},
            "en": {"title": "Khujand"},
        },
    },
    {
        "ref": "ayni",
        "parent": "sughd",
        "kind": "district",
        "country": "TJ",
        "position": 6,
        # South of the area the regions map draws: in the list only.
        "text": {
            "tg": {"title": "Ноҳияи Айнӣ"},
            "ru": {"title": "Айнинский район"},
            "en": {"title": "Ayni district"},
        },
    },
    # Isfara's jamoats [A6][A9][A16][A8]; Bobojon Gafurov's [A5][A14][A20][A10]; Ayni's [X9].
    jamoat("chorkuh", "isfara", 1, "Чоркӯҳ", "Чоркух", "Chorkuh"),
    jamoat("lakkon", "isfara", 2, "Лаккон", "Лаккон", "Lakkon"),
    jamoat("surkh", "isfara", 3, "Сурх", "Сурх", "Surkh"),
    jamoat("vorukh", "isfara", 4, "Ворух", "Ворух", "Vorukh"),
    jamoat("isfisor", "gafurov", 1, "Исфисор", "Исфисор", "Isfisor"),
    jamoat("haydar", "gafurov", 2, "Ҳайдар Усмон", "Хайдар Усмон", "Haydar Usmon"),
    jamoat("khistevarz", "gafurov", 3, "Хистеварз", "Хистеварз", "Khistevarz"),
    jamoat("ovchi", "gafurov", 4, "Овчӣ Қалъача", "Овчи-Калача", "Ovchi Kalacha"),
    jamoat("anzob", "ayni", 1, "Анзоб", "Анзоб", "Anzob"),
    jamoat("shamtuch", "ayni", 2, "Шамтӯч", "Шамтуч", "Shamtuch"),
    jamoat("rarz", "ayni", 3, "Рарз", "Рарз", "Rarz"),
    jamoat("fondaryo", "ayni", 4, "Фондарё", "Фондарё", "Fondaryo"),
    # The Kyrgyz side [A16][X3]. The map's drawing names Batken region already.
    {
        "ref": "batken-region",
        "kind": "oblast",
        "country": "KG",
        "position": 2,
        "text": {
            "tg": {"title": "Вилояти Боткен"},
            "ru": {"title": "Баткенская область"},
            "en": {"title": "Batken region"},
        },
    },
    {
        "ref": "batken",
        "parent": "batken-region",
        "kind": "district",
        "country": "KG",
        "position": 1,
        # Batken, the district's centre.
        "latitude": 40.060,
        "longitude": 70.819,
        "text": {
            "tg": {"title": "Ноҳияи Боткен"},
            "ru": {"title": "Баткенский район"},
            "en": {"title": "Batken district"},
        },
    },
    {
        "ref": "leilek",
        "parent": "batken-region",
        "kind": "district",
        "country": "KG",
        "position": 2,
        # Isfana, the district's centre.
        "latitude": 39.837,
        "longitude": 69.527,
        "text": {
            "tg": {"title": "Ноҳияи Лайлак"},
            "ru": {"title": "Лейлекский район"},
            "en": {"title": "Leilek district"},
        },
    },
]

# Programs of section 2 of the fact sheet that have a title, a donor and a period. Periods
# are known to the month: the first of the month is stored. A program is current only
# while its known period lasts; when its end is unknown it is marked past, and the
# editor's "To check before going live" list says that no end date confirms it.
PROGRAMS = [
    {
        # [A23][A6][A22][A16]; the seed page. Began in 2010 (month unknown).
        "ref": "security",
        "is_current": False,
        "start_date": date(2012, 4, 1),
        "regions": ["sughd", "isfara", "chorkuh", "surkh", "vorukh", "batken-region"],
        "text": {
            "en": {
                "title": "Community security in the Ferghana valley",
                "summary": "A program of PO “ASTI” and IO “Saferworld” for the security of "
                "border communities of Tajikistan and the Kyrgyz Republic. It began in 2010 "
                "as “Preventing conflict through a participatory approach safety of border "
                "communities of Ferghana Valley”; its second phase, “the consolidation and "
                "expansion of approaches to security, oriented to people”, started in April "
                "2012.",
                "donor": "UK Ministry of Foreign Affairs",
                "partners": "IO “Saferworld”; PO “YID” (Republic of Tajikistan); "
                "FTI (Kyrgyz Republic)",
                "goals": md("""
                    To consolidate the cooperation of the population of target communities
                    with local government and law enforcement agencies, to solve issues of
                    personal safety, and to improve relations between residents of border
                    target communities of Tajikistan and the Kyrgyz Republic, with the
                    involvement of local authorities and law enforcement bodies of the two
                    countries.

                    The program covered 15 communities in Sughd region (Tajikistan) and in
                    Batken, Osh and Jalal-Abad regions (Kyrgyz Republic). In Isfara it began
                    in Chorkuh jamoat and later reached Surkh and Vorukh jamoats; more
                    jamoats joined in April 2014.
                    """),
                "results": md("""
                    - meetings of police inspectors with representatives of local communities;
                    - trainings on capacity building of members of initiative groups on security;
                    - activities to improve relations of youth in cross-border communities
                      of Tajikistan and the Kyrgyz Republic.
                    """),
            },
            "ru": {
                "title": "Безопасность сообществ в Ферганской долине",
                "summary": "Программа ОО «АНТИ» и МО «Saferworld» по безопасности "
                "приграничных сообществ Таджикистана и Кыргызской Республики. Она началась "
                "в 2010 году под названием «Предотвращение конфликтов через подход с участием "
                "населения: безопасность приграничных сообществ Ферганской долины»; второй "
                "этап — «закрепление и расширение подходов к безопасности, ориентированных на "
                "людей» — начался в апреле 2012 года.",
                "donor": "Министерство иностранных дел Великобритании",
                "partners": "МО «Saferworld»; ОО «YID» (Республика Таджикистан); "
                "FTI (Кыргызская Республика)",
                "goals": md("""
                    Укрепление сотрудничества населения целевых сообществ с органами местной
                    власти и правоохранительными органами, решение вопросов личной
                    безопасности и улучшение отношений между жителями приграничных целевых
                    сообществ Таджикистана и Кыргызской Республики с привлечением органов
                    местной власти и правоохранительных органов двух стран.

                    Программа охватывала 15 сообществ в Согдийской области (Таджикистан) и в
                    Баткенской, Ошской и Джалал-Абадской областях (Кыргызская Республика).
                    В городе Исфара она началась в джамоате Чоркух, позднее пришла в джамоаты
                    Сурх и Ворух; в апреле 2014 года к ней присоединились новые джамоаты.
                    """),
                "results": md("""
                    - встречи инспекторов милиции с представителями местных сообществ;
                    - тренинги по повышению потенциала членов инициативных групп
                      по безопасности;
                    - мероприятия по улучшению отношений молодёжи приграничных сообществ
                      Таджикистана и Кыргызской Республики.
                    """),
            },
            "tg": {
                "title": "Амнияти ҷомеаҳо дар водии Фарғона",
                "summary": "Барномаи ТҶ «АЗИТ» ва ТБ «Saferworld» оид ба амнияти ҷомеаҳои "
                "наздисарҳадии Тоҷикистон ва Ҷумҳурии Қирғизистон. Барнома соли 2010 бо номи "
                "«Пешгирии низоъҳо тавассути равиши иштирокӣ: амнияти ҷомеаҳои наздисарҳадии "
                "водии Фарғона» оғоз ёфта, марҳилаи дуюми он — «таҳким ва густариши "
                "равишҳои ба инсон нигаронидашудаи амният» — аз моҳи апрели соли 2012 шурӯъ "
                "гардид.",
                "donor": "Вазорати корҳои хориҷии Британияи Кабир",
                "partners": "ТБ «Saferworld»; ТҶ «YID» (Ҷумҳурии Тоҷикистон); "
                "FTI (Ҷумҳурии Қирғизистон)",
                "goals": md("""
                    Таҳкими ҳамкории аҳолии ҷомеаҳои мақсаднок бо мақомоти ҳокимияти маҳаллӣ
                    ва мақомоти ҳифзи ҳуқуқ, ҳалли масъалаҳои амнияти шахсӣ ва беҳтар намудани
                    муносибатҳои байни сокинони ҷомеаҳои мақсадноки наздисарҳадии Тоҷикистон
                    ва Ҷумҳурии Қирғизистон бо ҷалби мақомоти ҳокимияти маҳаллӣ ва мақомоти
                    ҳифзи ҳуқуқи ду кишвар.

                    Барнома 15 ҷомеаро дар вилояти Суғд (Тоҷикистон) ва дар вилоятҳои Боткен,
                    Ош ва Ҷалолобод (Ҷумҳурии Қирғизистон) фаро гирифт. Дар шаҳри Исфара он
                    аз ҷамоати Чоркӯҳ оғоз ёфта, баъдтар ба ҷамоатҳои Сурх ва Ворух расид;
                    моҳи апрели соли 2014 ҷамоатҳои нав ба он ҳамроҳ шуданд.
                    """),
                "results": md("""
                    - вохӯриҳои нозирони милиса бо намояндагони ҷомеаҳои маҳаллӣ;
                    - омӯзишҳо оид ба баланд бардоштани иқтидори аъзои гурӯҳҳои ташаббускор
                      оид ба амният;
                    - чорабиниҳо оид ба беҳтар намудани муносибатҳои ҷавонони ҷомеаҳои
                      наздисарҳадии Тоҷикистон ва Ҷумҳурии Қирғизистон.
                    """),
            },
        },
    },
    {
        # [A9][A17][A2][A22]; the seed page. Dec 2016 - May 2017 (the sheet also has a
        # "Мир начинается с нас" of Dec 2015: one project or two is an open question).
        "ref": "peace",
        "is_current": False,
        "start_date": date(2016, 12, 1),
        "end_date": date(2017, 5, 1),
        "regions": ["isfara", "gafurov", "guliston"],
        "text": {
            "ru": {
                "title": "Мир и сотрудничество начинаются с нас",
                "summary": "Проект при поддержке ЮНИСЕФ в приграничных джамоатах города "
                "Исфара и Бободжон-Гафуровского района.",
                "donor": "ЮНИСЕФ",
                "results": "С 26 по 28 мая 2017 года в городе Гулистон проведён тренинг по "
                "журналистике для 20 подростков из приграничных джамоатов города Исфара и "
                "Бободжон-Гафуровского района.",
            },
            "en": {
                "title": "Peace and cooperation begins with us",
                "summary": "A project with the support of UNICEF in border jamoats of Isfara "
                "and Bobojon Gafurov district.",
                "donor": "UNICEF",
                "results": "From 26 to 28 May 2017 a journalism training was held in the town "
                "of Guliston for 20 adolescents from border jamoats of Isfara and Bobojon "
                "Gafurov district.",
            },
            "tg": {
                "title": "Сулҳ ва ҳамкорӣ аз мо оғоз меёбад",
                "summary": "Лоиҳа бо дастгирии ЮНИСЕФ дар ҷамоатҳои наздисарҳадии шаҳри "
                "Исфара ва ноҳияи Бобоҷон Ғафуров.",
                "donor": "ЮНИСЕФ",
                "results": "Аз 26 то 28 майи соли 2017 дар шаҳри Гулистон барои 20 наврас аз "
                "ҷамоатҳои наздисарҳадии шаҳри Исфара ва ноҳияи Бобоҷон Ғафуров омӯзиш оид ба "
                "рӯзноманигорӣ гузаронида шуд.",
            },
        },
    },
    {
        # [A11][A6][A14]; the seed page. 2021-2022: the months are not known.
        "ref": "skills",
        "is_current": False,
        "regions": ["sughd", "asht"],
        "text": {
            "en": {
                "title": "Skills for future and transition to work life",
                "summary": "A project of PO “ASTI” with the support of UNICEF Tajikistan "
                "(2021–2022) that helps adolescents understand community challenges and turn "
                "their ideas into action.",
                "donor": "UNICEF Tajikistan",
                "partners": "Centers of additional education of Sughd region",
                "goals": "Adolescents learn to understand community challenges and to design "
                "and build impactful solutions, with mentorship to help turn their ideas "
                "into action.",
                "results": "A 4-day UPSHIFT training at the Innovation Lab of Asht district "
                "with 32 adolescents (September 2022).",
            },
            "ru": {
                "title": "Навыки для будущего и переход к трудовой жизни",
                "summary": "Проект ОО «АНТИ» при поддержке ЮНИСЕФ в Таджикистане "
                "(2021–2022 годы), который помогает подросткам понимать проблемы сообщества "
                "и воплощать свои идеи в действия.",
                "donor": "ЮНИСЕФ в Таджикистане",
                "partners": "Центры дополнительного образования Согдийской области",
                "goals": "Подростки учатся понимать проблемы сообщества, разрабатывать и "
                "создавать эффективные решения; наставничество помогает превратить их идеи "
                "в действия.",
                "results": "Четырёхдневный тренинг UPSHIFT в Инновационной лаборатории "
                "Аштского района с участием 32 подростков (сентябрь 2022 года).",
            },
            "tg": {
                "title": "Малакаҳо барои оянда ва гузариш ба ҳаёти корӣ",
                "summary": "Лоиҳаи ТҶ «АЗИТ» бо дастгирии ЮНИСЕФ дар Тоҷикистон "
                "(солҳои 2021–2022), ки ба наврасон дар дарки мушкилоти ҷомеа ва амалӣ "
                "намудани ғояҳояшон кӯмак мерасонад.",
                "donor": "ЮНИСЕФ дар Тоҷикистон",
                "partners": "Марказҳои таълими иловагии вилояти Суғд",
                "goals": "Наврасон дарк кардани мушкилоти ҷомеа ва тарҳрезию сохтани роҳҳои "
                "ҳалли муассирро меомӯзанд; мураббигӣ ба табдил додани ғояҳояшон ба амал "
                "кӯмак мерасонад.",
                "results": "Омӯзиши чоррӯзаи UPSHIFT дар Лабораторияи инноватсионии ноҳияи "
                "Ашт бо иштироки 32 наврас (сентябри соли 2022).",
            },
        },
    },
    {
        # #5 [A8][A10][A20][A23][X3][X4][X5][X6]. From December 2016 to 2017 (month unknown).
        "ref": "youth",
        "is_current": False,
        "start_date": date(2016, 12, 1),
        "regions": [
            "isfara",
            "vorukh",
            "lakkon",
            "chorkuh",
            "surkh",
            "gafurov",
            "ovchi",
            "khistevarz",
            "batken",
            "leilek",
        ],  # fmt: skip
        "text": {
            "tg": {
                "title": "Тақвияти ҳамкории ҷавонони ҷомеаҳои наздисарҳадии Қирғизистон ва "
                "Тоҷикистон",
                "summary": "Қисми лоиҳаи БРСММ «Ҳамкории фаромарзӣ барои сулҳ ва рушди "
                "устувор», ки якҷоя бо FTI (Ҷумҳурии Қирғизистон) дар ҷамоатҳои Ворух, "
                "Лаккон, Чоркӯҳ (деҳаҳои Хоҷаи Аъло ва Сомониён) ва Сурхи шаҳри Исфара, "
                "ҷамоатҳои Овчӣ Қалъача ва Хистеварзи ноҳияи Бобоҷон Ғафуров ва ноҳияҳои "
                "Боткен ва Лайлаки Ҷумҳурии Қирғизистон амалӣ шуд.",
                "donor": "БРСММ; PBF, SDC",
                "partners": "FTI (Ҷумҳурии Қирғизистон)",
            },
            "ru": {
                "title": "Укрепление сотрудничества между молодёжью приграничных сообществ "
                "Таджикистана и Кыргызстана",
                "summary": "Часть проекта ПРООН «Трансграничное сотрудничество для "
                "устойчивого мира и развития», реализованная совместно с FTI (Кыргызская "
                "Республика) в джамоатах Ворух, Лаккон, Чоркух (сёла Ходжаи Аъло и Сомониён) "
                "и Сурх города Исфара, джамоатах Овчи-Калача и Хистеварз "
                "Бободжон-Гафуровского района и в Баткенском и Лейлекском районах "
                "Кыргызской Республики.",
                "donor": "ПРООН; PBF, SDC",
                "partners": "FTI (Кыргызская Республика)",
            },
            "en": {
                "title": "Strengthening cooperation between the youth of the border "
                "communities of Tajikistan and Kyrgyzstan",
                "summary": "Part of the UNDP project “Cross-border cooperation for sustainable "
                "peace and development”, carried out with FTI (Kyrgyz Republic) in the "
                "Vorukh, Lakkon, Chorkuh (villages Khojai Alo and Somoniyon) and Surkh "
                "jamoats of Isfara, the Ovchi Kalacha and Khistevarz jamoats of Bobojon "
                "Gafurov district, and in Batken and Leilek districts of the Kyrgyz Republic.",
                "donor": "UNDP; PBF, SDC",
                "partners": "FTI (Kyrgyz Republic)",
            },
        },
    },
    {
        # #8 [A15][A14][A2][A5][A13]; the title varies from page to page.
        "ref": "women",
        "is_current": False,
        "start_date": date(2020, 2, 1),
        "end_date": date(2021, 11, 1),
        "regions": ["khujand", "gafurov", "isfisor", "haydar"],
        "text": {
            "en": {
                "title": "Women's Resource Center",
                "summary": "Strengthening and support of women's resource centers, with the "
                "support of the OSCE Programme Office in Dushanbe: in Khujand (mahalla "
                "Chashmai Arzana) and in the Isfisor and Haydar Usmon jamoats of Bobojon "
                "Gafurov district.",
                "donor": "OSCE Programme Office in Dushanbe",
            },
            "ru": {
                "title": "Женский ресурсный центр",
                "summary": "Укрепление и поддержка женских ресурсных центров при поддержке "
                "Офиса программ ОБСЕ в Душанбе: в городе Худжанд (махалля Чашмаи Арзана) и в "
                "джамоатах Исфисор и Хайдар Усмон Бободжон-Гафуровского района.",
                "donor": "Офис программ ОБСЕ в Душанбе",
            },
            "tg": {
                "title": "Маркази захиравии занон",
                "summary": "Таҳким ва дастгирии марказҳои захиравии занон бо дастгирии "
                "Дафтари барномаҳои САҲА дар Душанбе: дар шаҳри Хуҷанд (маҳаллаи Чашмаи "
                "Арзана) ва дар ҷамоатҳои Исфисор ва Ҳайдар Усмони ноҳияи Бобоҷон Ғафуров.",
                "donor": "Дафтари барномаҳои САҲА дар Душанбе",
            },
        },
    },
    {
        # #13 [A18][A19]; the Russian title is the one its page's address spells.
        "ref": "down",
        "is_current": False,
        "start_date": date(2019, 9, 1),
        "end_date": date(2020, 2, 1),
        "regions": ["khujand", "gafurov"],
        "text": {
            "en": {
                "title": "Social empowerment of the parents of children with Down Syndrome "
                "in Tajikistan",
                "summary": "A project with the support of the US Embassy in Tajikistan, "
                "together with the initiative “Nazari digar”, in Khujand and in Bobojon "
                "Gafurov and Jabbor Rasulov districts.",
                "donor": "US Embassy in Tajikistan",
                "partners": "Initiative “Nazari digar”",
            },
            "ru": {
                "title": "Расширение возможностей и социализация родителей детей с синдромом "
                "Дауна в Таджикистане",
                "summary": "Проект при поддержке Посольства США в Таджикистане, совместно с "
                "инициативой «Назари дигар», в городе Худжанд, Бободжон-Гафуровском и "
                "Джаббор-Расуловском районах.",
                "donor": "Посольство США в Таджикистане",
                "partners": "Инициатива «Назари дигар»",
            },
            "tg": {
                "title": "Тавонмандсозии иҷтимоии волидони кӯдакони гирифтори синдроми Даун "
                "дар Тоҷикистон",
                "summary": "Лоиҳа бо дастгирии Сафорати ИМА дар Тоҷикистон, якҷоя бо "
                "ташаббуси «Назари дигар», дар шаҳри Хуҷанд ва ноҳияҳои Бобоҷон Ғафуров ва "
                "Ҷаббор Расулов.",
                "donor": "Сафорати ИМА дар Тоҷикистон",
                "partners": "Ташаббуси «Назари дигар»",
            },
        },
    },
    {
        # #15 [X9].
        "ref": "ayni",
        "is_current": False,
        "start_date": date(2019, 9, 1),
        "end_date": date(2020, 2, 1),
        "regions": ["ayni", "anzob", "shamtuch", "rarz", "fondaryo"],
        "text": {
            "en": {
                "title": "Long-term action on emergency prevention in 4 main vulnerable "
                "jamoats of Ayni district",
                "summary": "With the support of Caritas Germany, together with the Ayni "
                "district authority and its emergency unit, in the Anzob, Shamtuch, Rarz and "
                "Fondaryo jamoats.",
                "donor": "Caritas Germany",
                "partners": "Ayni district authority; Ayni emergency unit",
            },
            "ru": {
                "title": "Долгосрочные действия по предупреждению чрезвычайных ситуаций в 4 "
                "наиболее уязвимых джамоатах Айнинского района",
                "summary": "При поддержке Каритас Германии, совместно с хукуматом Айнинского "
                "района и его подразделением по чрезвычайным ситуациям, в джамоатах Анзоб, "
                "Шамтуч, Рарз и Фондарё.",
                "donor": "Каритас Германии",
                "partners": "Хукумат Айнинского района; подразделение по чрезвычайным "
                "ситуациям Айнинского района",
            },
            "tg": {
                "title": "Амалҳои дарозмуддат оид ба пешгирии ҳолатҳои фавқулодда дар 4 "
                "ҷамоати осебпазиртарини ноҳияи Айнӣ",
                "summary": "Бо дастгирии Каритаси Олмон, якҷоя бо ҳукумати ноҳияи Айнӣ ва "
                "воҳиди ҳолатҳои фавқулоддаи он, дар ҷамоатҳои Анзоб, Шамтӯч, Рарз ва "
                "Фондарё.",
                "donor": "Каритаси Олмон",
                "partners": "Ҳукумати ноҳияи Айнӣ; воҳиди ҳолатҳои фавқулоддаи ноҳияи Айнӣ",
            },
        },
    },
]

NEWS = [
    {
        "published_at": datetime(2011, 10, 1),
        "program": "security",
        "regions": ["sughd", "batken-region"],
        "text": {
            "en": {
                "title": "Community security in the Ferghana valley",
                "summary": "Activities to consolidate the cooperation of target communities "
                "with local government and law enforcement agencies.",
                "body": md("""
                    Within the framework of the second phase of the program “Community
                    security in the Ferghana valley - the consolidation and expansion of
                    approaches to security, oriented to people”, jointly implemented with
                    PO “ASTI” and IO “Saferworld” from April 2012, a number of activities
                    aimed at consolidating the cooperation of the population of target
                    communities with local government and law enforcement agencies have
                    been carried out.

                    These activities are directed to solve issues of personal safety, as
                    well as measures to improve relations between residents of border
                    target communities of RT and KR, with the involvement of local
                    authorities and law enforcement bodies of the two countries. These
                    activities include organization of meetings for police inspectors with
                    the representatives of local communities, trainings on capacity building
                    of members of initiative groups on security, measures on the improvement
                    of relations of youth in cross-border communities of Tajikistan and the
                    Kyrgyz Republic.
                    """),
            },
            "ru": {
                "title": "Безопасность сообществ в Ферганской долине",
                "summary": "Мероприятия по укреплению сотрудничества целевых сообществ "
                "с органами местной власти и правоохранительными органами.",
                "body": md("""
                    В рамках второго этапа программы «Безопасность сообществ в Ферганской
                    долине — закрепление и расширение подходов к безопасности,
                    ориентированных на людей», реализуемой совместно ОО «АНТИ» и
                    МО «Saferworld» с апреля 2012 года, был проведён ряд мероприятий,
                    направленных на укрепление сотрудничества населения целевых сообществ
                    с органами местной власти и правоохранительными органами.

                    Эти мероприятия направлены на решение вопросов личной безопасности,
                    а также на улучшение отношений между жителями приграничных целевых
                    сообществ РТ и КР с привлечением органов местной власти и
                    правоохранительных органов двух стран. Среди них — организация встреч
                    инспекторов милиции с представителями местных сообществ, тренинги по
                    повышению потенциала членов инициативных групп по безопасности,
                    мероприятия по улучшению отношений молодёжи приграничных сообществ
                    Таджикистана и Кыргызской Республики.
                    """),
            },
            "tg": {
                "title": "Амнияти ҷомеаҳо дар водии Фарғона",
                "summary": "Чорабиниҳо оид ба таҳкими ҳамкории ҷомеаҳои мақсаднок бо "
                "мақомоти ҳокимияти маҳаллӣ ва мақомоти ҳифзи ҳуқуқ.",
                "body": md("""
                    Дар доираи марҳилаи дуюми барномаи «Амнияти ҷомеаҳо дар водии Фарғона —
                    таҳким ва густариши равишҳои ба инсон нигаронидашудаи амният», ки аз
                    моҳи апрели соли 2012 якҷоя аз ҷониби ТҶ «АЗИТ» ва ТБ «Saferworld»
                    амалӣ мегардад, як қатор чорабиниҳо гузаронида шуданд, ки ба таҳкими
                    ҳамкории аҳолии ҷомеаҳои мақсаднок бо мақомоти ҳокимияти маҳаллӣ ва
                    мақомоти ҳифзи ҳуқуқ равона гардидаанд.

                    Ин чорабиниҳо ба ҳалли масъалаҳои амнияти шахсӣ, инчунин ба беҳтар
                    намудани муносибатҳои байни сокинони ҷомеаҳои мақсадноки наздисарҳадии
                    ҶТ ва ҶҚ бо ҷалби мақомоти ҳокимияти маҳаллӣ ва мақомоти ҳифзи ҳуқуқи
                    ду кишвар равона шудаанд. Ба онҳо ташкили вохӯриҳои нозирони милиса бо
                    намояндагони ҷомеаҳои маҳаллӣ, омӯзишҳо оид ба баланд бардоштани
                    иқтидори аъзои гурӯҳҳои ташаббускор оид ба амният ва чорабиниҳо оид ба
                    беҳтар намудани муносибатҳои ҷавонони ҷомеаҳои наздисарҳадии
                    Тоҷикистон ва Ҷумҳурии Қирғизистон дохил мешаванд.
                    """),
            },
        },
    },
    {
        "published_at": datetime(2017, 5, 29),
        "program": "peace",
        "regions": ["isfara", "gafurov", "guliston"],
        "text": {
            "ru": {
                "title": "Тренинг по журналистике",
                "summary": "Тренинг по журналистике для 20 подростков из приграничных "
                "джамоатов в городе Гулистон.",
                "body": md("""
                    С 26 по 28 мая текущего года в рамках проекта «Мир и сотрудничество
                    начинаются с нас», в городе Гулистон, в здании учебного центра
                    Национального Банка республики Таджикистан был проведен тренинг по
                    журналистике. Участниками тренинга были 20 подростков из приграничных
                    джамоатов г. Исфары и Бабожон Гафуровского района.
                    """),
            },
        },
    },
    {
        "published_at": datetime(2022, 9, 16),
        "program": "skills",
        "regions": ["asht"],
        "text": {
            "en": {
                "title": "UPSHIFT is a 4-day training conducted at the Innovation Labs",
                "summary": "A training at the Innovation Lab of Asht district with 32 "
                "adolescents, with the support of UNICEF Tajikistan.",
                "body": md("""
                    There are many active youth in Tajikistan and they can be a great force
                    for positive social change. They speak clearly and when given the
                    opportunity, they can be strong advocates of their views on various
                    issues. UPSHIFT is a 4-day training conducted at the Innovation Labs and
                    we consider creativity to be an untapped resource and a driving force
                    for positive social change.

                    As a creative space, the Lab identifies, prototypes and scales
                    technologies and practices that catalyze the social change by
                    unleashing the creative potential of youth and adolescents. It allows
                    teenagers to identify personal development, knowledge, national and
                    universal values, problems of the society in which they live, and use
                    new tools in developing their future plans.

                    The goals consist of four important parts: understanding, designing,
                    building and testing, and the final UPSHIFT phase is making it real, and
                    additional mentorship to help turn their ideas into action. The training
                    was held at the Innovation Lab of Asht district with participation of 32
                    adolescents. Training teaches the participants to understand community
                    challenges and design and build impactful solutions. This event was held
                    by the PO "ASTI", within the framework of the project "Skills for future
                    and transition to work life" with the support of UNICEF Tajikistan.
                    """),
            },
            "ru": {
                "title": "UPSHIFT — четырёхдневный тренинг в Инновационных лабораториях",
                "summary": "Тренинг в Инновационной лаборатории Аштского района с участием "
                "32 подростков при поддержке ЮНИСЕФ в Таджикистане.",
                "body": md("""
                    В Таджикистане много активной молодёжи, и она может стать большой силой
                    позитивных социальных перемен. Молодые люди ясно выражают свои мысли и,
                    когда у них есть такая возможность, могут убедительно отстаивать свои
                    взгляды по разным вопросам. UPSHIFT — это четырёхдневный тренинг,
                    который проводится в Инновационных лабораториях, и мы считаем
                    креативность нераскрытым ресурсом и движущей силой позитивных
                    социальных перемен.

                    Как творческое пространство, Лаборатория выявляет, создаёт прототипы и
                    масштабирует технологии и практики, которые ускоряют социальные
                    перемены, раскрывая творческий потенциал молодёжи и подростков. Она
                    позволяет подросткам определить направления личностного развития,
                    знания, национальные и общечеловеческие ценности, проблемы общества, в
                    котором они живут, и использовать новые инструменты при составлении
                    планов на будущее.

                    Цели состоят из четырёх важных частей: понимание, проектирование,
                    создание и тестирование; заключительный этап UPSHIFT — воплощение в
                    жизнь и дополнительное наставничество, помогающее превратить идеи в
                    действия. Тренинг прошёл в Инновационной лаборатории Аштского района с
                    участием 32 подростков. Тренинг учит участников понимать проблемы
                    сообщества, разрабатывать и создавать эффективные решения. Мероприятие
                    проведено ОО «АНТИ» в рамках проекта «Навыки для будущего и переход к
                    трудовой жизни» при поддержке ЮНИСЕФ в Таджикистане.
                    """),
            },
            "tg": {
                "title": "UPSHIFT — омӯзиши чоррӯза дар Лабораторияҳои инноватсионӣ",
                "summary": "Омӯзиш дар Лабораторияи инноватсионии ноҳияи Ашт бо иштироки "
                "32 наврас бо дастгирии ЮНИСЕФ дар Тоҷикистон.",
                "body": md("""
                    Дар Тоҷикистон ҷавонони фаъол бисёранд ва онҳо метавонанд қувваи бузурги
                    тағйироти мусбати иҷтимоӣ бошанд. Онҳо фикри худро равшан баён мекунанд
                    ва ҳангоми фароҳам омадани имконият метавонанд ҳимоятгарони боэътимоди
                    назари худ оид ба масъалаҳои гуногун бошанд. UPSHIFT омӯзиши чоррӯзаест,
                    ки дар Лабораторияҳои инноватсионӣ гузаронида мешавад ва мо эҷодкориро
                    захираи истифоданашуда ва қувваи пешбарандаи тағйироти мусбати иҷтимоӣ
                    медонем.

                    Ҳамчун фазои эҷодӣ, Лаборатория технологияҳо ва таҷрибаҳоеро, ки бо
                    ошкор намудани иқтидори эҷодии ҷавонон ва наврасон ба тағйироти
                    иҷтимоӣ суръат мебахшанд, муайян мекунад, намунаҳои аввалияи онҳоро
                    месозад ва миқёси онҳоро васеъ мегардонад. Он ба наврасон имкон
                    медиҳад, ки рушди шахсӣ, дониш, арзишҳои миллӣ ва умумибашарӣ,
                    мушкилоти ҷомеаеро, ки дар он зиндагӣ мекунанд, муайян намоянд ва
                    ҳангоми тартиб додани нақшаҳои ояндаи худ абзорҳои навро истифода
                    баранд.

                    Ҳадафҳо аз чор қисми муҳим иборатанд: фаҳмидан, тарҳрезӣ, сохтан ва
                    санҷидан; марҳилаи ниҳоии UPSHIFT амалӣ намудани ғоя ва мураббигии
                    иловагӣ мебошад, ки ба табдил додани ғояҳо ба амал кӯмак мерасонад.
                    Омӯзиш дар Лабораторияи инноватсионии ноҳияи Ашт бо иштироки 32 наврас
                    гузаронида шуд. Омӯзиш ба иштирокчиён дарк кардани мушкилоти ҷомеа ва
                    тарҳрезию сохтани роҳҳои ҳалли муассирро меомӯзонад. Ин чорабинӣ аз
                    ҷониби ТҶ «АЗИТ» дар доираи лоиҳаи «Малакаҳо барои оянда ва гузариш ба
                    ҳаёти корӣ» бо дастгирии ЮНИСЕФ дар Тоҷикистон баргузор гардид.
                    """),
            },
        },
    },
]

PAGES = [
    {
        # [A1][X1][X6][A9][A10]; the mission in the fact sheet's words.
        "key": "about",
        "text": {
            "tg": {
                "title": "Дар бораи АЗИТ",
                "body": md("""
                    Ташкилоти ҷамъиятии «Ассотсиатсияи зиёиёни илмӣ-техникии Тоҷикистон»
                    (ТҶ «АЗИТ») ташкилоти ҷамъиятии ғайриҳукуматӣ ва ғайритиҷоратӣ мебошад.
                    Он 18 сентябри соли 1995 дар шаҳри Хуҷанд таъсис ёфта, худи ҳамон рӯз дар
                    Раёсати адлияи шаҳри Хуҷанд ба қайд гирифта шудааст; соли 2005 ҳамчун
                    ташкилоти ҷамъиятии ҷумҳуриявӣ ба қайд гирифта шуд.

                    АЗИТ бо истифода аз дониш ва малакаи олимону муҳандисони маҳаллӣ ба
                    ислоҳоти демократӣ ва беҳтар гардидани сатҳи зиндагӣ дар Тоҷикистон
                    мусоидат мекунад ва бахши ғайритиҷоратиро тавассути барномаҳои иҷтимоӣ,
                    таълимӣ, иттилоотӣ, ҳамоҳангсозӣ ва машваратӣ рушд медиҳад.

                    - 1997 — коҳиш додани камбизоатӣ самти афзалиятноки фаъолият гардид.
                    - 2000 — воҳидҳои ASDP Nau ва ASDP Khujand мустақил шуданд.
                    - 2004 — АЗИТ яке аз муассисони шабакаи ташкилотҳои ғайриҳукуматии водии
                      Фарғона «Valley of Peace» гардид.
                    - 2006 — АЗИТ ба таъсиси Ассотсиатсияи таҳсилоти калонсолони Тоҷикистон
                      мусоидат кард.

                    АЗИТ дар водии Фарғона, аксаран дар ду тарафи сарҳади Тоҷикистон ва
                    Ҷумҳурии Қирғизистон, барномаҳоро оид ба амнияти ҷомеаҳо, кор бо
                    ҷавонон ва сулҳофарӣ амалӣ намудааст.
                    """),
            },
            "ru": {
                "title": "Об АНТИ",
                "body": md("""
                    Общественная организация «АНТИ» (ОО «АНТИ»; по-английски — Association of
                    Scientific and Technical Intelligentsia of Tajikistan, ASTI) —
                    неправительственная некоммерческая общественная организация. Она основана
                    в Худжанде 18 сентября 1995 года и в тот же день зарегистрирована в
                    Управлении юстиции города Худжанда; в 2005 году зарегистрирована как
                    республиканская общественная организация.

                    АНТИ содействует демократическим реформам и повышению уровня жизни в
                    Таджикистане, опираясь на знания и навыки местных учёных и инженеров, и
                    развивает некоммерческий сектор с помощью социальных, образовательных,
                    информационных, координационных и консультационных программ.

                    - 1997 — снижение бедности стало главным приоритетом.
                    - 2000 — подразделения ASDP Nau и ASDP Khujand стали самостоятельными.
                    - 2004 — АНТИ стала одним из учредителей сети НПО Ферганской долины
                      «Valley of Peace».
                    - 2006 — АНТИ содействовала созданию Ассоциации образования взрослых
                      Таджикистана.

                    АНТИ реализовала программы в области безопасности сообществ, работы с
                    молодёжью и миростроительства в Ферганской долине, часто по обе стороны
                    границы Таджикистана и Кыргызской Республики.
                    """),
            },
            "en": {
                "title": "About ASTI",
                "body": md("""
                    Public Organization “ASTI”, the Association of Scientific and Technical
                    Intelligentsia of Tajikistan, is a non-governmental non-profit public
                    organization. It was founded in Khujand on 18 September 1995 and
                    registered that day at the Khujand City Justice Administration; in 2005
                    it was registered as a Republican Public Organization.

                    ASTI works for democratic reform and better living standards in
                    Tajikistan, drawing on the skills of local scientists and engineers, and
                    builds up the non-profit sector through social, educational,
                    information, coordination and advisory programmes.

                    - 1997 — poverty reduction became the top priority.
                    - 2000 — the units ASDP Nau and ASDP Khujand became independent.
                    - 2004 — ASTI co-founded the Fergana Valley NGO network “Valley of Peace”.
                    - 2006 — ASTI helped create the Adult Education Association of
                      Tajikistan.

                    ASTI has run community security, youth and peace-building programs in the
                    Ferghana valley, often across the border between Tajikistan and the
                    Kyrgyz Republic.
                    """),
            },
        },
    },
    {
        # Only the city and region are sourced [X1]: the 1999 address and telephone are
        # outdated, and no current telephone or e-mail has been published.
        "key": "contacts",
        "text": {
            "tg": {
                "title": "Тамос",
                "body": "ТҶ «АЗИТ»  \nшаҳри Хуҷанд, вилояти Суғд, Ҷумҳурии Тоҷикистон",
            },
            "ru": {
                "title": "Контакты",
                "body": "ОО «АНТИ»  \nг. Худжанд, Согдийская область, Республика Таджикистан",
            },
            "en": {
                "title": "Contacts",
                "body": "Public Organization “ASTI”  \nKhujand, Sughd region, "
                "Republic of Tajikistan",
            },
        },
    },
]


#: Partners and donors named by the seed page [A5] and the fact sheet: their names only (we
#: have no logo files). Saferworld's website is the one its reports are published on [X2];
#: UNICEF Tajikistan's is left for staff to fill (the editor lists it "to check").
PARTNERS = [
    {
        "website": "https://www.saferworld.org.uk",
        "programs": ["security"],
        "text": {
            "en": {"title": "Saferworld"},
            "ru": {"title": "Saferworld"},
            "tg": {"title": "Saferworld"},
        },
    },
    {
        "website": "",
        "programs": ["peace", "skills"],
        "text": {
            "en": {"title": "UNICEF Tajikistan"},
            "ru": {"title": "ЮНИСЕФ в Таджикистане"},
            "tg": {"title": "ЮНИСЕФ дар Тоҷикистон"},
        },
    },
]

#: The site settings: only where the office is, Khujand [X1] (the 1999 street address and
#: telephone are outdated; no current telephone, e-mail or social account is published).
SITE_SETTINGS = {"latitude": "40.283", "longitude": "69.622"}


def _existing(model, text: dict, attributes: dict):
    """The item this demo entry created before: a page by its key, others by the slug
    of their first language."""
    if model is Page:
        return db.session.scalar(select(Page).where(Page.key == attributes["key"]))
    lang, fields = next(iter(text.items()))
    tr = model.translation_class
    slug = fields.get("slug") or make_slug(fields["title"])
    return db.session.scalar(select(model).join(tr).where(tr.lang == lang, tr.slug == slug))


def _ensure(model, text: dict, **attributes):
    """Create the item unless it exists; return it and whether it was created."""
    item = _existing(model, text, attributes)
    if item is not None:
        return item, False
    item = model(source_lang=next(iter(text)), **attributes)
    db.session.add(item)
    for lang, fields in text.items():
        item.set_translation(lang, **fields)
    db.session.flush()  # later entries look up slugs and relations through the database
    return item, True


def legacy_redirects(path: Path = LEGACY_REDIRECTS) -> list[tuple[str, str]]:
    """(old path, target) of each row of the redirects file, normalised as the table stores
    them; rows as ``redirects-import`` reads them (a header, then old, new, and any further
    columns, such as the source id, ignored)."""
    with path.open(encoding="utf-8-sig", newline="") as lines:
        rows = [row for row in csv.reader(lines) if row and row[0].strip()]
    return [legacy_paths(row[0], row[1]) for row in rows if row[0].strip().lower() != "old"]


def _ensure_redirects() -> int:
    """Add the old addresses that the table lacks; one that is there is left as staff set it."""
    known = set(db.session.scalars(select(LegacyRedirect.old_path)))
    added = 0
    for old, target in legacy_redirects():
        if old not in known:
            db.session.add(LegacyRedirect(old_path=old, target=target))
            known.add(old)
            added += 1
    return added


def load() -> int:
    """Add whatever demo item or old address is missing; return how many were added."""
    created = 0
    regions, programs = {}, {}
    for spec in REGIONS:
        regions[spec["ref"]], new = _ensure(
            Region,
            spec["text"],
            kind=spec["kind"],
            country=spec["country"],
            position=spec.get("position", 0),
            latitude=spec.get("latitude"),
            longitude=spec.get("longitude"),
            parent=regions.get(spec.get("parent")),
        )
        created += new
    for spec in PROGRAMS:
        programs[spec["ref"]], new = _ensure(
            Program,
            spec["text"],
            is_current=spec["is_current"],
            start_date=spec.get("start_date"),
            end_date=spec.get("end_date"),
            regions=[regions[r] for r in spec["regions"]],
        )
        created += new
    for spec in NEWS:
        _, new = _ensure(
            News,
            spec["text"],
            published_at=spec["published_at"],
            program=programs[spec["program"]],
            regions=[regions[r] for r in spec["regions"]],
        )
        created += new
    for spec in PAGES:
        _, new = _ensure(Page, spec["text"], key=spec["key"])
        created += new
    for spec in PARTNERS:
        _, new = _ensure(
            Partner,
            spec["text"],
            website=spec["website"],
            programs=[programs[p] for p in spec["programs"]],
        )
        created += new
    if not Setting.values(SITE):
        Setting.store(SITE, SITE_SETTINGS)
    return created + _ensure_redirects()
