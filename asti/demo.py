"""Demo content: the news, programs and places named on the organisation's current site
page (copied from ``shared/seed/asti-site-page.txt``), translated faithfully. The Russian
journalism training stays Russian-only so that the fallback can be seen."""

from datetime import date, datetime
from textwrap import dedent

from sqlalchemy import select

from .extensions import db
from .models import News, Page, Program, Region
from .text import make_slug


def md(text: str) -> str:
    return dedent(text).strip()


REGIONS = [
    {
        "ref": "sughd",
        "kind": "oblast",
        "country": "TJ",
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
        "position": 1,
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
        "position": 2,
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
        "position": 3,
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
        "ref": "gulistan",
        "parent": "sughd",
        "kind": "city",
        "country": "TJ",
        "position": 4,
        # Guliston, formerly Qayroqqum (Kayrakkum), by the reservoir's dam.
        "latitude": 40.266,
        "longitude": 69.796,
        "text": {
            "tg": {"title": "Шаҳри Гулистон"},
            "ru": {"title": "Город Гулистон"},
            "en": {"title": "Gulistan"},
        },
    },
    {
        "ref": "kyrgyz",
        "kind": "community",
        "country": "KG",
        "position": 5,
        # Batken, centre of the Kyrgyz district that borders Isfara (the communities are
        # not named one by one, so the map marks the district).
        "latitude": 40.060,
        "longitude": 70.819,
        "text": {
            "tg": {"title": "Ҷомеаҳои наздисарҳадии Ҷумҳурии Қирғизистон"},
            "ru": {"title": "Приграничные сообщества Кыргызской Республики"},
            "en": {"title": "Cross-border communities of the Kyrgyz Republic"},
        },
    },
]

PROGRAMS = [
    {
        "ref": "security",
        "is_current": False,
        "start_date": date(2012, 4, 1),
        "regions": ["sughd", "kyrgyz"],
        "text": {
            "en": {
                "title": "Community security in the Ferghana valley",
                "summary": "Consolidation and expansion of people-centred approaches to "
                "security, implemented jointly by PO “ASTI” and IO “Saferworld”.",
                "partners": "IO “Saferworld”",
                "goals": "To consolidate the cooperation of the population of target "
                "communities with local government and law enforcement agencies, to solve "
                "issues of personal safety, and to improve relations between residents of "
                "border target communities of Tajikistan and the Kyrgyz Republic, with the "
                "involvement of local authorities and law enforcement bodies of the two "
                "countries.",
                "results": md("""
                    - meetings of police inspectors with representatives of local communities;
                    - trainings on capacity building of members of initiative groups on security;
                    - activities to improve relations of youth in cross-border communities
                      of Tajikistan and the Kyrgyz Republic.
                    """),
            },
            "ru": {
                "title": "Безопасность сообществ в Ферганской долине",
                "summary": "Закрепление и расширение подходов к безопасности, "
                "ориентированных на людей; программа реализуется совместно ОО «АСТИ» "
                "и МО «Saferworld».",
                "partners": "МО «Saferworld»",
                "goals": "Укрепление сотрудничества населения целевых сообществ с органами "
                "местной власти и правоохранительными органами, решение вопросов личной "
                "безопасности и улучшение отношений между жителями приграничных целевых "
                "сообществ Таджикистана и Кыргызской Республики с привлечением органов "
                "местной власти и правоохранительных органов двух стран.",
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
                "summary": "Таҳким ва густариши равишҳои ба инсон нигаронидашудаи амният; "
                "барнома якҷоя аз ҷониби ТҶ «АСТИ» ва ТБ «Saferworld» амалӣ мегардад.",
                "partners": "ТБ «Saferworld»",
                "goals": "Таҳкими ҳамкории аҳолии ҷомеаҳои мақсаднок бо мақомоти ҳокимияти "
                "маҳаллӣ ва мақомоти ҳифзи ҳуқуқ, ҳалли масъалаҳои амнияти шахсӣ ва беҳтар "
                "намудани муносибатҳои байни сокинони ҷомеаҳои мақсадноки наздисарҳадии "
                "Тоҷикистон ва Ҷумҳурии Қирғизистон бо ҷалби мақомоти ҳокимияти маҳаллӣ ва "
                "мақомоти ҳифзи ҳуқуқи ду кишвар.",
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
        "ref": "peace",
        "is_current": False,
        "regions": ["isfara", "gafurov", "gulistan"],
        "text": {
            "ru": {
                "title": "Мир и сотрудничество начинаются с нас",
                "summary": "Проект, в рамках которого подростки из приграничных джамоатов "
                "г. Исфары и Бободжон-Гафуровского района прошли тренинг по журналистике.",
                "results": "С 26 по 28 мая 2017 года в городе Гулистон проведён тренинг по "
                "журналистике для 20 подростков из приграничных джамоатов г. Исфары и "
                "Бободжон-Гафуровского района.",
            },
            "en": {
                "title": "Peace and cooperation start with us",
                "summary": "A project in which adolescents from border jamoats of Isfara "
                "and Bobojon Gafurov district took part in a journalism training.",
                "results": "From 26 to 28 May 2017 a journalism training was held in the city "
                "of Gulistan for 20 adolescents from border jamoats of Isfara and Bobojon "
                "Gafurov district.",
            },
            "tg": {
                "title": "Сулҳ ва ҳамкорӣ аз мо оғоз меёбад",
                "summary": "Лоиҳае, ки дар доираи он наврасони ҷамоатҳои наздисарҳадии "
                "шаҳри Исфара ва ноҳияи Бобоҷон Ғафуров омӯзиши рӯзноманигориро гузаштанд.",
                "results": "Аз 26 то 28 майи соли 2017 дар шаҳри Гулистон барои 20 наврас аз "
                "ҷамоатҳои наздисарҳадии шаҳри Исфара ва ноҳияи Бобоҷон Ғафуров омӯзиш оид ба "
                "рӯзноманигорӣ гузаронида шуд.",
            },
        },
    },
    {
        "ref": "skills",
        "is_current": True,
        "regions": ["asht"],
        "text": {
            "en": {
                "title": "Skills for future and transition to work life",
                "summary": "A project of PO “ASTI” with the support of UNICEF Tajikistan that "
                "helps adolescents understand community challenges and turn their ideas "
                "into action.",
                "donor": "UNICEF Tajikistan",
                "goals": "Adolescents learn to understand community challenges and to design "
                "and build impactful solutions, with mentorship to help turn their ideas "
                "into action.",
                "results": "A 4-day UPSHIFT training at the Innovation Lab of Asht district "
                "with 32 adolescents (September 2022).",
            },
            "ru": {
                "title": "Навыки для будущего и переход к трудовой жизни",
                "summary": "Проект ОО «АСТИ» при поддержке ЮНИСЕФ в Таджикистане, который "
                "помогает подросткам понимать проблемы сообщества и воплощать свои идеи "
                "в действия.",
                "donor": "ЮНИСЕФ в Таджикистане",
                "goals": "Подростки учатся понимать проблемы сообщества, разрабатывать и "
                "создавать эффективные решения; наставничество помогает превратить их идеи "
                "в действия.",
                "results": "Четырёхдневный тренинг UPSHIFT в Инновационной лаборатории "
                "Аштского района с участием 32 подростков (сентябрь 2022 года).",
            },
            "tg": {
                "title": "Малакаҳо барои оянда ва гузариш ба ҳаёти корӣ",
                "summary": "Лоиҳаи ТҶ «АСТИ» бо дастгирии ЮНИСЕФ дар Тоҷикистон, ки ба "
                "наврасон дар дарки мушкилоти ҷомеа ва амалӣ намудани ғояҳояшон кӯмак "
                "мерасонад.",
                "donor": "ЮНИСЕФ дар Тоҷикистон",
                "goals": "Наврасон дарк кардани мушкилоти ҷомеа ва тарҳрезию сохтани роҳҳои "
                "ҳалли муассирро меомӯзанд; роҳбарии иловагӣ ба табдил додани ғояҳояшон ба "
                "амал кӯмак мерасонад.",
                "results": "Омӯзиши чоррӯзаи UPSHIFT дар Лабораторияи инноватсионии ноҳияи "
                "Ашт бо иштироки 32 наврас (сентябри соли 2022).",
            },
        },
    },
]

NEWS = [
    {
        "published_at": datetime(2011, 10, 1),
        "program": "security",
        "regions": ["sughd", "kyrgyz"],
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
                    ориентированных на людей», реализуемой совместно ОО «АСТИ» и
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
                    моҳи апрели соли 2012 якҷоя аз ҷониби ТҶ «АСТИ» ва ТБ «Saferworld»
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
        "regions": ["isfara", "gafurov", "gulistan"],
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
                    проведено ОО «АСТИ» в рамках проекта «Навыки для будущего и переход к
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
                    санҷидан; марҳилаи ниҳоии UPSHIFT амалӣ намудани ғоя ва роҳбарии
                    иловагӣ мебошад, ки ба табдил додани ғояҳо ба амал кӯмак мерасонад.
                    Омӯзиш дар Лабораторияи инноватсионии ноҳияи Ашт бо иштироки 32 наврас
                    гузаронида шуд. Омӯзиш ба иштирокчиён дарк кардани мушкилоти ҷомеа ва
                    тарҳрезию сохтани роҳҳои ҳалли муассирро меомӯзонад. Ин чорабинӣ аз
                    ҷониби ТҶ «АСТИ» дар доираи лоиҳаи «Малакаҳо барои оянда ва гузариш ба
                    ҳаёти корӣ» бо дастгирии ЮНИСЕФ дар Тоҷикистон баргузор гардид.
                    """),
            },
        },
    },
]

PAGES = [
    {
        "key": "about",
        "text": {
            "tg": {
                "title": "Дар бораи ташкилот",
                "body": md("""
                    Ташкилоти ҷамъиятии «АСТИ» ташкилоти ғайритиҷоратии тоҷикистонӣ мебошад,
                    ки соли 1995 дар шаҳри Хуҷанд таъсис ёфтааст.

                    «АСТИ» дар водии Фарғона, аксаран дар ду тарафи сарҳади Тоҷикистон ва
                    Ҷумҳурии Қирғизистон, барномаҳоро оид ба амнияти ҷомеаҳо, кор бо
                    ҷавонон ва сулҳофарӣ амалӣ менамояд.
                    """),
            },
            "ru": {
                "title": "Об организации",
                "body": md("""
                    Общественная организация «АСТИ» — некоммерческая организация
                    Таджикистана, основанная в 1995 году в Худжанде.

                    «АСТИ» реализует программы в области безопасности сообществ, работы с
                    молодёжью и миростроительства в Ферганской долине, часто по обе стороны
                    границы Таджикистана и Кыргызской Республики.
                    """),
            },
            "en": {
                "title": "About ASTI",
                "body": md("""
                    Public Organization “ASTI” is a Tajik non-profit organization founded in
                    1995 in Khujand.

                    ASTI runs community security, youth and peace-building programs in the
                    Ferghana valley, often across the border between Tajikistan and the
                    Kyrgyz Republic.
                    """),
            },
        },
    },
    {
        "key": "contacts",
        "text": {
            "tg": {
                "title": "Тамос",
                "body": "Ташкилоти ҷамъиятии «АСТИ»  \nшаҳри Хуҷанд, вилояти Суғд, "
                "Ҷумҳурии Тоҷикистон",
            },
            "ru": {
                "title": "Контакты",
                "body": "Общественная организация «АСТИ»  \nг. Худжанд, Согдийская область, "
                "Республика Таджикистан",
            },
            "en": {
                "title": "Contacts",
                "body": "Public Organization “ASTI”  \nKhujand, Sughd region, "
                "Republic of Tajikistan",
            },
        },
    },
]


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


def load() -> int:
    """Add whatever demo item is missing; return how many were added."""
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
    return created
