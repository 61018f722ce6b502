"""The demo catalogue: families, programmes, partners, agreements and products.

Plain data only; ``storefront.demo.seed_demo_catalogue`` turns it into rows.
Products are credited to a training programme, never to a person, and no
text here names or describes any individual resident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storefront.catalog.models import ProductKind
from storefront.impact.models import PartnerKind, SupportKind

STOCK = ProductKind.STOCK.value
MADE_TO_ORDER = ProductKind.MADE_TO_ORDER.value
PERISHABLE = ProductKind.PERISHABLE.value


@dataclass(frozen=True)
class CategoryData:
    slug: str
    name_id: str
    name_en: str
    description_id: str
    description_en: str


@dataclass(frozen=True)
class ProgramData:
    slug: str
    name_id: str
    name_en: str
    summary_id: str
    summary_en: str
    story_id: str
    story_en: str
    premi_percent: int
    pnbp_percent: int
    capital_percent: int


@dataclass(frozen=True)
class PartnerData:
    slug: str
    name: str
    kind: str
    website: str
    initials: str
    colour: tuple[int, int, int]
    description_id: str
    description_en: str


@dataclass(frozen=True)
class AgreementData:
    number: str
    partner: str
    program: str
    support_kind: str
    weight: int
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True)
class VariantData:
    sku: str
    price: int
    on_hand: int
    options: dict[str, str]


@dataclass(frozen=True)
class ProductData:
    slug: str
    category: str
    program: str
    name_id: str
    name_en: str
    description_id: str
    description_en: str
    kind: str
    weight_grams: int
    size_cm: tuple[int, int, int]  # length, width, height of the parcel
    variants: tuple[VariantData, ...]
    image_shape: str
    alt_id: str
    alt_en: str
    lead_time_days: int | None = None
    shelf_life_days: int | None = None
    featured: bool = False


def _v(sku: str, price: int, on_hand: int, **options: str) -> VariantData:
    return VariantData(sku=sku, price=price, on_hand=on_hand, options=options)


def _p(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


# --- families ----------------------------------------------------------------

CATEGORIES: tuple[CategoryData, ...] = (
    CategoryData(
        "songket",
        "Songket",
        "Songket",
        "Kain tenun khas Palembang dengan benang emas dan sutra, ditenun tangan sesuai pesanan.",
        "Palembang's hand-woven cloth with gold and silk thread, woven to order.",
    ),
    CategoryData(
        "fashion",
        "Busana",
        "Fashion",
        "Kebaya, blus dan kemeja jumputan yang dijahit rapi dengan sentuhan wastra Palembang.",
        "Kebaya, blouses and jumputan shirts, neatly sewn with a touch of Palembang textiles.",
    ),
    CategoryData(
        "roti-kue",
        "Roti & Kue",
        "Bread & Cakes",
        "Roti dan kue tradisional Palembang yang dipanggang segar setiap hari produksi.",
        "Bread and traditional Palembang cakes, freshly baked on every production day.",
    ),
    CategoryData(
        "tempe",
        "Tempe",
        "Tempe",
        "Tempe kedelai segar dan keripik tempe renyah dari dapur produksi yang bersertifikat.",
        "Fresh soybean tempe and crunchy tempe chips from a certified production kitchen.",
    ),
    CategoryData(
        "kerajinan",
        "Kerajinan Tangan",
        "Handicrafts",
        "Anyaman purun, rajutan dan aksesori dari perca songket untuk rumah dan hadiah.",
        "Purun weaving, crochet and songket-offcut accessories for the home and for gifts.",
    ),
)


# --- training programmes -----------------------------------------------------

PROGRAMS: tuple[ProgramData, ...] = (
    ProgramData(
        slug="tenun-songket",
        name_id="Pelatihan Tenun Songket",
        name_en="Songket Weaving Training",
        summary_id="Menenun songket Palembang di alat tenun tradisional, dari benang hingga kain.",
        summary_en="Weaving Palembang songket on traditional looms, from thread to finished cloth.",
        story_id=_p(
            "Program ini mengajarkan seluruh proses tenun songket: menghani benang lungsin, "
            "menyusun motif dengan lidi, hingga menyisipkan benang emas helai demi helai. "
            "Satu kain lepus dapat memakan waktu enam sampai delapan minggu di alat tenun, "
            "karena itu setiap kain dibuat sesuai pesanan.",
            "Peserta belajar bersama instruktur dari pengrajin songket berpengalaman dan dapat "
            "mengikuti uji kompetensi menenun yang diakui secara nasional. Sebagian hasil "
            "penjualan dibayarkan sebagai premi kepada penenun, sebagian disetor sebagai PNBP, "
            "dan sisanya menjadi modal benang untuk kain berikutnya.",
            "Keterampilan menenun dapat dibawa pulang: banyak sentra tenun di Palembang dan Ogan "
            "Ilir membutuhkan penenun terampil, dan sebuah alat tenun cukup untuk memulai usaha "
            "dari rumah setelah bebas.",
        ),
        story_en=_p(
            "This programme teaches the whole craft of songket: warping the loom, setting out "
            "the motif with bamboo sticks and laying in the gold thread strand by strand. A "
            "lepus cloth can spend six to eight weeks on the loom, which is why every piece is "
            "woven to order.",
            "Participants learn from experienced songket weavers and can sit a nationally "
            "recognised weaving competency test. Part of each sale is paid to the weavers as "
            "premi, part goes to the state as non-tax revenue (PNBP), and the rest buys thread "
            "for the next cloth.",
            "Weaving is a skill that travels: the weaving centres of Palembang and Ogan Ilir need "
            "skilled hands, and a single loom is enough to start a home business after release.",
        ),
        premi_percent=50,
        pnbp_percent=30,
        capital_percent=20,
    ),
    ProgramData(
        slug="tata-busana",
        name_id="Menjahit dan Tata Busana",
        name_en="Sewing and Fashion Design",
        summary_id="Membuat pola, memotong dan menjahit busana siap pakai dengan aksen songket.",
        summary_en="Pattern making, cutting and sewing ready-to-wear clothes with songket accents.",
        story_id=_p(
            "Di ruang jahit, peserta belajar mengukur, membuat pola, memotong kain dan "
            "menjahit dengan mesin jahit industri. Kebaya, blus dan tas di toko ini dijahit di "
            "sini, sering kali dengan potongan songket dari program tenun sebagai aksen.",
            "Setiap produk melewati pemeriksaan mutu sebelum dikemas. Peserta yang lulus dapat "
            "memperoleh sertifikat kompetensi menjahit dari lembaga sertifikasi profesi, dan "
            "premi dari setiap penjualan ditabung sebagai bekal.",
            "Penjahit terampil selalu dicari oleh konveksi dan butik; sebagian lulusan memilih "
            "membuka jasa jahit sendiri di lingkungan tempat tinggalnya.",
        ),
        story_en=_p(
            "In the sewing room participants learn to measure, draft patterns, cut cloth and "
            "sew on industrial machines. The kebaya, blouses and bags in this shop are made "
            "here, often trimmed with songket from the weaving programme.",
            "Every piece is checked before it is packed. Graduates can earn a sewing competency "
            "certificate from a professional certification body, and the premi from each sale "
            "is saved towards life after release.",
            "Skilled tailors are always wanted by garment workshops and boutiques; some "
            "graduates choose to open their own tailoring service close to home.",
        ),
        premi_percent=45,
        pnbp_percent=35,
        capital_percent=20,
    ),
    ProgramData(
        slug="jumputan",
        name_id="Pewarnaan Kain Jumputan",
        name_en="Jumputan Tie-Dye",
        summary_id="Mengikat, mencelup dan mewarnai kain jumputan khas Palembang.",
        summary_en="Tying, dipping and dyeing Palembang's traditional jumputan cloth.",
        story_id=_p(
            "Jumputan adalah teknik ikat celup tradisional Palembang: kain diikat titik demi "
            "titik, lalu dicelup warna sehingga muncul pola bulatan yang khas. Peserta belajar "
            "merancang pola, meracik warna dan mengolah limbah pewarna dengan aman.",
            "Kain yang dihasilkan dijual sebagai kain meteran atau dijahit menjadi kemeja dan "
            "kerudung. Hasil penjualan dibagi menjadi premi bagi peserta, PNBP, dan modal untuk "
            "kain dan pewarna berikutnya.",
            "Karena alatnya sederhana, jumputan adalah usaha yang bisa dimulai dengan modal "
            "kecil; program ini juga mengajarkan cara menghitung harga pokok dan menjual hasil "
            "karya.",
        ),
        story_en=_p(
            "Jumputan is Palembang's traditional tie-dye: the cloth is bound point by point, "
            "then dipped so that the familiar pattern of small rings appears. Participants "
            "learn to plan patterns, mix colours and handle dye waste safely.",
            "The cloth is sold by length or sewn into shirts and headscarves. Each sale is "
            "shared between premi for the participants, PNBP, and capital for the next batch "
            "of cloth and dye.",
            "The tools are simple, so jumputan is a business that can start small; the "
            "programme also teaches how to cost a product and sell it.",
        ),
        premi_percent=45,
        pnbp_percent=30,
        capital_percent=25,
    ),
    ProgramData(
        slug="tata-boga",
        name_id="Tata Boga: Roti dan Kue",
        name_en="Baking: Bread and Cakes",
        summary_id="Memanggang roti dan kue tradisional Palembang dengan standar keamanan pangan.",
        summary_en="Baking bread and traditional Palembang cakes to food-safety standards.",
        story_id=_p(
            "Dapur roti program ini memanggang roti manis, bolu dan kue khas Palembang seperti "
            "maksuba dan kue 8 jam, yang terkenal membutuhkan kesabaran. Peserta belajar "
            "menimbang bahan dengan tepat, mengatur suhu oven dan menjaga kebersihan dapur.",
            "Pelatihan higiene dan keamanan pangan diberikan bersama dinas kesehatan, dan dapur "
            "memenuhi syarat izin produksi pangan industri rumah tangga. Premi dari penjualan "
            "dibayarkan setiap bulan kepada peserta.",
            "Pengalaman di dapur produksi membuka jalan ke toko roti, katering dan hotel, atau ke "
            "usaha kue pesanan dari rumah.",
        ),
        story_en=_p(
            "The programme's bakery turns out sweet buns, sponge cakes and Palembang specialities "
            "such as maksuba and the famously patient eight-hour cake. Participants learn to weigh "
            "ingredients precisely, manage the oven and keep a clean kitchen.",
            "Hygiene and food-safety training is given with the health office, and the kitchen "
            "meets the requirements of a home-industry food production licence. The premi from "
            "sales is paid to participants every month.",
            "Experience in a production kitchen opens the way to bakeries, caterers and hotels, "
            "or to a made-to-order cake business at home.",
        ),
        premi_percent=40,
        pnbp_percent=35,
        capital_percent=25,
    ),
    ProgramData(
        slug="produksi-tempe",
        name_id="Produksi Tempe",
        name_en="Tempe Production",
        summary_id="Mengolah kedelai menjadi tempe segar dan keripik tempe yang higienis.",
        summary_en="Turning soybeans into fresh tempe and tempe chips, hygienically.",
        story_id=_p(
            "Setiap hari produksi, kedelai direndam, dikupas, direbus dan diberi ragi, lalu "
            "dibungkus daun pisang atau plastik berlubang dan difermentasi selama dua hari. "
            "Peserta mempelajari setiap langkah, termasuk menjaga suhu dan kebersihan ruang "
            "fermentasi.",
            "Tempe yang tidak terjual segar diolah menjadi keripik, sehingga hampir tidak ada "
            "yang terbuang. Hasil penjualan dibagi menjadi premi, PNBP dan modal kedelai.",
            "Tempe dibutuhkan setiap hari di setiap pasar; dengan modal kecil dan keterampilan "
            "ini, lulusan dapat memasok warung dan pedagang di sekitar rumahnya.",
        ),
        story_en=_p(
            "On every production day the soybeans are soaked, hulled, boiled and inoculated, then "
            "wrapped in banana leaf or perforated plastic and left to ferment for two days. "
            "Participants learn each step, including keeping the fermentation room at the right "
            "temperature and clean.",
            "Tempe that is not sold fresh becomes chips, so almost nothing is wasted. Sales are "
            "shared between premi, PNBP and capital for the next sacks of soybeans.",
            "Tempe is wanted every day in every market; with this skill and a little capital, "
            "graduates can supply the food stalls and traders near their homes.",
        ),
        premi_percent=40,
        pnbp_percent=30,
        capital_percent=30,
    ),
    ProgramData(
        slug="anyaman-rajut",
        name_id="Anyaman Purun dan Rajut",
        name_en="Purun Weaving and Crochet",
        summary_id="Menganyam purun dari rawa Sumatera Selatan dan merajut tas dari tali kur.",
        summary_en="Weaving purun sedge from South Sumatra's wetlands and crocheting cord bags.",
        story_id=_p(
            "Purun adalah tanaman rawa yang dianyam turun-temurun di Sumatera Selatan menjadi "
            "tikar, tas dan keranjang. Peserta belajar menjemur, memipihkan dan mewarnai purun, "
            "lalu menganyamnya menjadi barang sehari-hari yang kuat dan ringan.",
            "Kelas rajut membuat tas dan aksesori dari tali kur. Premi dari setiap penjualan "
            "dibayarkan kepada peserta, dan sebagian menjadi modal bahan baku.",
            "Anyaman dan rajutan dapat dikerjakan di rumah sambil mengurus keluarga, dan "
            "permintaan akan produk ramah lingkungan terus tumbuh.",
        ),
        story_en=_p(
            "Purun is a wetland sedge that South Sumatran families have woven for generations "
            "into mats, bags and baskets. Participants learn to dry, flatten and dye the stems, "
            "then weave them into light, sturdy everyday goods.",
            "The crochet class makes bags and accessories from nylon cord. The premi from each "
            "sale is paid to participants, and part of every sale buys the next materials.",
            "Weaving and crochet can be done at home alongside caring for a family, and demand "
            "for natural, low-waste goods keeps growing.",
        ),
        premi_percent=50,
        pnbp_percent=25,
        capital_percent=25,
    ),
    ProgramData(
        slug="kriya-perca",
        name_id="Kriya Perca Songket",
        name_en="Songket Offcut Crafts",
        summary_id="Mengubah sisa potongan songket menjadi bros, dompet dan sarung bantal.",
        summary_en="Turning songket offcuts into brooches, wallets and cushion covers.",
        story_id=_p(
            "Setiap kain songket dan busana menyisakan potongan kecil yang terlalu indah untuk "
            "dibuang. Di program ini, perca tersebut dijahit dan dirangkai menjadi gantungan "
            "kunci, bros, dompet dan sarung bantal.",
            "Peserta belajar menjahit tangan, memasang furing dan merancang produk kecil yang "
            "laku sebagai oleh-oleh. Premi dibayarkan dari setiap penjualan, dan sisanya dibagi "
            "sebagai PNBP dan modal.",
            "Produk kecil dengan bahan sisa mengajarkan cara berpikir pengusaha: tidak ada bahan "
            "yang terbuang, dan setiap potong bisa bernilai.",
        ),
        story_en=_p(
            "Every songket cloth and garment leaves small offcuts that are too beautiful to throw "
            "away. In this programme they are stitched and assembled into key rings, brooches, "
            "wallets and cushion covers.",
            "Participants learn hand sewing, lining and designing small pieces that sell well as "
            "souvenirs. Premi is paid from every sale, and the rest is shared as PNBP and capital.",
            "Small products from leftover material teach an entrepreneur's way of thinking: "
            "nothing is wasted, and every scrap can have value.",
        ),
        premi_percent=45,
        pnbp_percent=30,
        capital_percent=25,
    ),
    ProgramData(
        slug="kewirausahaan",
        name_id="Kewirausahaan dan Pemasaran Digital",
        name_en="Entrepreneurship and Digital Marketing",
        summary_id="Merancang paket produk, menghitung harga dan memasarkan secara daring.",
        summary_en="Designing gift sets, pricing products and selling online.",
        story_id=_p(
            "Peserta program ini belajar sisi usaha dari semua program lain: menghitung harga "
            "pokok, mencatat keuangan sederhana, memotret produk dan menulis deskripsi untuk toko "
            "daring. Paket hampers dan oleh-oleh di toko ini dirancang dan dikemas oleh mereka.",
            "Kelas diberikan bersama perguruan tinggi dan bank mitra, termasuk literasi keuangan "
            "dan cara membuka rekening usaha. Premi dari penjualan paket dibayarkan kepada "
            "peserta.",
            "Bekal ini membantu lulusan menjalankan usaha kecil secara mandiri, dari mengurus "
            "izin usaha hingga menjual lewat lokapasar.",
        ),
        story_en=_p(
            "This programme teaches the business side of all the others: costing a product, "
            "simple bookkeeping, photographing goods and writing descriptions for an online shop. "
            "The hampers and gift packs in this shop are designed and packed by its participants.",
            "Classes are given with partner universities and a partner bank, including financial "
            "literacy and opening a business account. The premi from gift-pack sales is paid to "
            "participants.",
            "It prepares graduates to run a small business on their own, from registering it to "
            "selling on online marketplaces.",
        ),
        premi_percent=35,
        pnbp_percent=40,
        capital_percent=25,
    ),
)


# --- partners ------------------------------------------------------------------

PARTNERS: tuple[PartnerData, ...] = (
    PartnerData(
        "kpi-ru-iii-plaju",
        "PT Kilang Pertamina Internasional RU III Plaju",
        PartnerKind.STATE_COMPANY.value,
        "https://www.kpi.co.id",
        "KPI",
        (0, 84, 156),
        "Kilang minyak di Plaju yang melalui program tanggung jawab sosialnya mendanai alat "
        "tenun dan pelatihan songket.",
        "The oil refinery at Plaju, whose social responsibility programme funds looms and "
        "songket training.",
    ),
    PartnerData(
        "dekranasda-sumsel",
        "Dekranasda Provinsi Sumatera Selatan",
        PartnerKind.CRAFTS_COUNCIL.value,
        "https://dekranasda.sumselprov.go.id",
        "DK",
        (150, 24, 36),
        "Dewan Kerajinan Nasional Daerah yang membina pengrajin dan membawa produk Cantik ke "
        "pameran kerajinan.",
        "The regional crafts council, which mentors makers and brings Cantik products to craft "
        "fairs.",
    ),
    PartnerData(
        "dinkes-palembang",
        "Dinas Kesehatan Kota Palembang",
        PartnerKind.HEALTH_OFFICE.value,
        "https://dinkes.palembang.go.id",
        "DKS",
        (0, 128, 96),
        "Memberikan pelatihan higiene dan keamanan pangan untuk dapur roti dan produksi tempe.",
        "Provides hygiene and food-safety training for the bakery and the tempe kitchen.",
    ),
    PartnerData(
        "bbpom-palembang",
        "Balai Besar POM di Palembang",
        PartnerKind.HEALTH_OFFICE.value,
        "https://palembang.pom.go.id",
        "POM",
        (0, 102, 153),
        "Mendampingi dapur produksi dalam cara produksi pangan olahan yang baik dan pelabelan.",
        "Guides the production kitchens on good food manufacturing practice and labelling.",
    ),
    PartnerData(
        "dkp-palembang",
        "Dinas Ketahanan Pangan Kota Palembang",
        PartnerKind.AGRICULTURE_OFFICE.value,
        "https://dkp.palembang.go.id",
        "DKP",
        (72, 128, 40),
        "Mendukung pasokan kedelai lokal dan pendampingan pengolahan pangan untuk program tempe.",
        "Supports a local soybean supply and food-processing mentoring for the tempe programme.",
    ),
    PartnerData(
        "kai-divre-iii",
        "PT Kereta Api Indonesia (Persero) Divre III Palembang",
        PartnerKind.STATE_COMPANY.value,
        "https://www.kai.id",
        "KAI",
        (35, 52, 130),
        "Menyediakan mesin jahit melalui program TJSL dan ruang pamer produk di stasiun.",
        "Provides sewing machines through its social responsibility programme and display space "
        "at its stations.",
    ),
    PartnerData(
        "diskopukm-sumsel",
        "Dinas Koperasi dan UKM Provinsi Sumatera Selatan",
        PartnerKind.REGIONAL_OFFICE.value,
        "https://diskopukm.sumselprov.go.id",
        "DKU",
        (200, 120, 20),
        "Membantu permodalan dan peralatan usaha kecil serta pelatihan pengelolaan koperasi.",
        "Helps with small-business capital and equipment and with cooperative management training.",
    ),
    PartnerData(
        "disperin-sumsel",
        "Dinas Perindustrian Provinsi Sumatera Selatan",
        PartnerKind.REGIONAL_OFFICE.value,
        "https://disperin.sumselprov.go.id",
        "DP",
        (90, 60, 120),
        "Mengirim instruktur dan bahan baku untuk industri kecil tenun dan ikat celup.",
        "Sends instructors and raw materials for small weaving and tie-dye industries.",
    ),
    PartnerData(
        "disnakertrans-sumsel",
        "Dinas Tenaga Kerja dan Transmigrasi Provinsi Sumatera Selatan",
        PartnerKind.REGIONAL_OFFICE.value,
        "https://disnakertrans.sumselprov.go.id",
        "DTK",
        (180, 60, 40),
        "Menghadirkan instruktur balai latihan kerja dan uji kompetensi menjahit.",
        "Brings vocational training centre instructors and sewing competency tests.",
    ),
    PartnerData(
        "dispar-palembang",
        "Dinas Pariwisata Kota Palembang",
        PartnerKind.REGIONAL_OFFICE.value,
        "https://dispar.palembang.go.id",
        "DPK",
        (0, 140, 150),
        "Mengajak Cantik ke festival dan pameran wisata untuk memperkenalkan wastra Palembang.",
        "Invites Cantik to tourism festivals and fairs to showcase Palembang textiles.",
    ),
    PartnerData(
        "bri-palembang",
        "PT Bank Rakyat Indonesia (Persero) Tbk Kantor Wilayah Palembang",
        PartnerKind.STATE_COMPANY.value,
        "https://bri.co.id",
        "BRI",
        (0, 82, 155),
        "Memberikan literasi keuangan, pendampingan usaha mikro dan dukungan dana pelatihan.",
        "Provides financial literacy, micro-business mentoring and training funds.",
    ),
    PartnerData(
        "pusri",
        "PT Pupuk Sriwidjaja Palembang",
        PartnerKind.STATE_COMPANY.value,
        "https://www.pusri.co.id",
        "PSR",
        (0, 110, 70),
        "Mendukung bahan baku dan pewarna untuk program jumputan melalui program TJSL.",
        "Supports cloth and dye for the jumputan programme through its social responsibility "
        "programme.",
    ),
    PartnerData(
        "unsri",
        "Universitas Sriwijaya",
        PartnerKind.EDUCATION.value,
        "https://www.unsri.ac.id",
        "US",
        (230, 170, 0),
        "Dosen dan mahasiswa mengajar kewirausahaan dan teknologi pangan lewat pengabdian "
        "masyarakat.",
        "Lecturers and students teach entrepreneurship and food technology through community "
        "service.",
    ),
    PartnerData(
        "polsri",
        "Politeknik Negeri Sriwijaya",
        PartnerKind.EDUCATION.value,
        "https://www.polsri.ac.id",
        "PNS",
        (20, 60, 110),
        "Melatih fotografi produk, pemasaran digital dan pengelolaan toko daring.",
        "Trains product photography, digital marketing and running an online shop.",
    ),
    PartnerData(
        "komunitas-wastra-palembang",
        "Komunitas Pencinta Wastra Palembang",
        PartnerKind.COMMUNITY.value,
        "https://wastrapalembang.or.id",
        "KWP",
        (140, 30, 90),
        "Komunitas pencinta kain tradisional yang berbagi desain dan membantu promosi.",
        "A community of traditional-textile lovers who share designs and help with promotion.",
    ),
)


# --- agreements (PKS) --------------------------------------------------------------


def _a(
    number: str, partner: str, program: str, support: SupportKind, weight: int, start: str, end: str
) -> AgreementData:
    return AgreementData(
        number=number,
        partner=partner,
        program=program,
        support_kind=support.value,
        weight=weight,
        valid_from=date.fromisoformat(start),
        valid_to=date.fromisoformat(end),
    )


S = SupportKind
AGREEMENTS: tuple[AgreementData, ...] = (
    # Expired: kept because past sales were credited under them.
    _a(
        "PKS/004/LPP-PLG/2022",
        "kpi-ru-iii-plaju",
        "tenun-songket",
        S.EQUIPMENT,
        4,
        "2022-03-01",
        "2024-02-29",
    ),
    _a(
        "PKS/009/LPP-PLG/2023",
        "dinkes-palembang",
        "tata-boga",
        S.TRAINER,
        2,
        "2023-05-15",
        "2024-05-14",
    ),
    _a(
        "PKS/011/LPP-PLG/2023",
        "dekranasda-sumsel",
        "anyaman-rajut",
        S.MARKETING,
        2,
        "2023-07-01",
        "2025-06-30",
    ),
    _a("PKS/015/LPP-PLG/2024", "unsri", "kewirausahaan", S.TRAINER, 2, "2024-02-01", "2025-01-31"),
    _a(
        "PKS/018/LPP-PLG/2024",
        "disperin-sumsel",
        "jumputan",
        S.MATERIALS,
        2,
        "2024-04-01",
        "2025-09-30",
    ),
    # In force now, most of them through 2027.
    _a(
        "PKS/003/LPP-PLG/2025",
        "kpi-ru-iii-plaju",
        "tenun-songket",
        S.FUNDING,
        5,
        "2025-03-01",
        "2027-12-31",
    ),
    _a(
        "PKS/006/LPP-PLG/2025",
        "dekranasda-sumsel",
        "tenun-songket",
        S.MARKETING,
        4,
        "2025-01-15",
        "2027-12-31",
    ),
    _a(
        "PKS/007/LPP-PLG/2025",
        "disperin-sumsel",
        "tenun-songket",
        S.TRAINER,
        3,
        "2025-06-01",
        "2026-05-31",
    ),
    _a(
        "PKS/010/LPP-PLG/2025",
        "disnakertrans-sumsel",
        "tata-busana",
        S.TRAINER,
        3,
        "2025-02-01",
        "2027-01-31",
    ),
    _a(
        "PKS/012/LPP-PLG/2025",
        "kai-divre-iii",
        "tata-busana",
        S.EQUIPMENT,
        4,
        "2025-08-01",
        "2027-07-31",
    ),
    _a(
        "PKS/013/LPP-PLG/2025",
        "dekranasda-sumsel",
        "jumputan",
        S.MARKETING,
        3,
        "2025-10-01",
        "2027-09-30",
    ),
    _a("PKS/014/LPP-PLG/2025", "pusri", "jumputan", S.MATERIALS, 2, "2025-07-01", "2027-06-30"),
    _a(
        "PKS/016/LPP-PLG/2025",
        "dkp-palembang",
        "produksi-tempe",
        S.MATERIALS,
        3,
        "2025-01-01",
        "2027-12-31",
    ),
    _a(
        "PKS/017/LPP-PLG/2025",
        "dinkes-palembang",
        "produksi-tempe",
        S.TRAINER,
        2,
        "2025-04-01",
        "2027-03-31",
    ),
    _a(
        "PKS/019/LPP-PLG/2025",
        "bbpom-palembang",
        "tata-boga",
        S.TRAINER,
        2,
        "2025-05-01",
        "2027-04-30",
    ),
    _a(
        "PKS/020/LPP-PLG/2025",
        "kai-divre-iii",
        "tata-boga",
        S.MARKETING,
        3,
        "2025-09-01",
        "2027-08-31",
    ),
    _a(
        "PKS/001/LPP-PLG/2026",
        "dekranasda-sumsel",
        "anyaman-rajut",
        S.MARKETING,
        3,
        "2026-01-01",
        "2027-12-31",
    ),
    _a(
        "PKS/002/LPP-PLG/2026",
        "diskopukm-sumsel",
        "anyaman-rajut",
        S.FUNDING,
        2,
        "2026-02-01",
        "2028-01-31",
    ),
    _a(
        "PKS/003/LPP-PLG/2026",
        "komunitas-wastra-palembang",
        "kriya-perca",
        S.TRAINER,
        2,
        "2026-01-10",
        "2027-07-09",
    ),
    _a(
        "PKS/004/LPP-PLG/2026",
        "dekranasda-sumsel",
        "kriya-perca",
        S.MARKETING,
        3,
        "2026-02-01",
        "2027-12-31",
    ),
    _a(
        "PKS/005/LPP-PLG/2026",
        "bri-palembang",
        "kewirausahaan",
        S.FUNDING,
        3,
        "2026-01-01",
        "2027-12-31",
    ),
    _a("PKS/006/LPP-PLG/2026", "polsri", "kewirausahaan", S.TRAINER, 2, "2026-03-01", "2027-08-31"),
    _a(
        "PKS/007/LPP-PLG/2026",
        "dispar-palembang",
        "kewirausahaan",
        S.MARKETING,
        2,
        "2026-04-01",
        "2027-03-31",
    ),
    _a(
        "PKS/008/LPP-PLG/2026",
        "diskopukm-sumsel",
        "produksi-tempe",
        S.EQUIPMENT,
        3,
        "2026-03-01",
        "2028-02-29",
    ),
    _a("PKS/009/LPP-PLG/2026", "unsri", "produksi-tempe", S.TRAINER, 1, "2026-05-01", "2027-10-31"),
    _a(
        "PKS/010/LPP-PLG/2026",
        "bri-palembang",
        "tata-busana",
        S.FUNDING,
        2,
        "2026-06-01",
        "2028-05-31",
    ),
    _a(
        "PKS/011/LPP-PLG/2026",
        "dispar-palembang",
        "tenun-songket",
        S.MARKETING,
        2,
        "2026-07-01",
        "2027-06-30",
    ),
    _a(
        "PKS/012/LPP-PLG/2026",
        "kpi-ru-iii-plaju",
        "kriya-perca",
        S.FUNDING,
        2,
        "2026-08-01",
        "2028-07-31",
    ),
    _a(
        "PKS/013/LPP-PLG/2026",
        "bbpom-palembang",
        "tata-boga",
        S.TRAINER,
        1,
        "2026-09-01",
        "2028-08-31",
    ),
)
del S


# --- products --------------------------------------------------------------------

_SONGKET_CARE_ID = "Simpan tergulung dalam kain katun dan hindari mencuci dengan mesin."
_SONGKET_CARE_EN = "Store rolled in cotton cloth and never machine-wash."

SONGKET: tuple[ProductData, ...] = (
    ProductData(
        slug="kain-songket-lepus",
        category="songket",
        program="tenun-songket",
        name_id="Kain Songket Lepus",
        name_en="Lepus Songket Cloth",
        description_id="Songket lepus adalah songket termewah Palembang: hampir seluruh permukaan "
        "kain tertutup benang emas. Ditenun tangan selama kurang lebih dua bulan. "
        + _SONGKET_CARE_ID,
        description_en="Lepus is Palembang's most precious songket: gold thread covers almost the "
        "whole cloth. Hand-woven over about two months. " + _SONGKET_CARE_EN,
        kind=MADE_TO_ORDER,
        lead_time_days=60,
        weight_grams=1200,
        size_cm=(40, 30, 6),
        variants=(
            _v("SGK-LEPUS-EMAS", 7_500_000, 3, motif="Lepus", benang="Emas"),
            _v("SGK-LEPUS-BERAKAM-EMAS", 8_500_000, 2, motif="Lepus Berakam", benang="Emas"),
        ),
        image_shape="cloth",
        alt_id="Kain songket motif lepus benang emas",
        alt_en="Songket cloth in the lepus motif with gold thread",
        featured=True,
    ),
    ProductData(
        slug="kain-songket-tabur",
        category="songket",
        program="tenun-songket",
        name_id="Kain Songket Tabur",
        name_en="Tabur Songket Cloth",
        description_id="Motif tabur menebar bunga atau bintang emas kecil di atas dasar kain. "
        "Ringan dipakai untuk acara resmi maupun kondangan. " + _SONGKET_CARE_ID,
        description_en="The tabur motif scatters small gold flowers or stars across the ground. "
        "Light enough for formal events and weddings. " + _SONGKET_CARE_EN,
        kind=MADE_TO_ORDER,
        lead_time_days=30,
        weight_grams=900,
        size_cm=(40, 30, 5),
        variants=(
            _v("SGK-TABUR-BINTANG", 2_800_000, 4, motif="Tabur Bintang", benang="Emas"),
            _v("SGK-TABUR-BUNGO-INTAN", 3_100_000, 3, motif="Tabur Bungo Intan", benang="Emas"),
            _v("SGK-TABUR-CANTIK-MANIS", 2_950_000, 5, motif="Tabur Cantik Manis", benang="Emas"),
        ),
        image_shape="cloth",
        alt_id="Kain songket motif tabur dengan bintang emas",
        alt_en="Songket cloth in the tabur motif with gold stars",
    ),
    ProductData(
        slug="kain-songket-nago-besaung",
        category="songket",
        program="tenun-songket",
        name_id="Kain Songket Nago Besaung",
        name_en="Nago Besaung Songket Cloth",
        description_id="Motif nago besaung menggambarkan dua naga yang berhadapan, lambang "
        "kemakmuran dalam tradisi Palembang. Pilihan benang emas penuh atau dasar sutra. "
        + _SONGKET_CARE_ID,
        description_en="The nago besaung motif shows two facing dragons, a sign of prosperity in "
        "Palembang tradition. Choose all-gold thread or a silk ground. " + _SONGKET_CARE_EN,
        kind=MADE_TO_ORDER,
        lead_time_days=60,
        weight_grams=1100,
        size_cm=(40, 30, 6),
        variants=(
            _v("SGK-NAGO-EMAS", 6_200_000, 2, motif="Nago Besaung", benang="Emas"),
            _v("SGK-NAGO-SUTRA", 7_800_000, 2, motif="Nago Besaung", benang="Sutra"),
        ),
        image_shape="cloth",
        alt_id="Kain songket motif nago besaung",
        alt_en="Songket cloth in the nago besaung dragon motif",
        featured=True,
    ),
    ProductData(
        slug="kain-songket-bungo-cino",
        category="songket",
        program="tenun-songket",
        name_id="Kain Songket Bungo Cino",
        name_en="Bungo Cino Songket Cloth",
        description_id="Bungo cino, bunga bergaya Tionghoa, mengingatkan pada sejarah Palembang "
        "sebagai kota pelabuhan. Motif bunga besar berjajar rapi di badan kain. "
        + _SONGKET_CARE_ID,
        description_en="Bungo cino, a Chinese-style flower, recalls Palembang's history as a port "
        "city. Large flowers stand in neat rows across the cloth. " + _SONGKET_CARE_EN,
        kind=MADE_TO_ORDER,
        lead_time_days=35,
        weight_grams=950,
        size_cm=(40, 30, 5),
        variants=(
            _v("SGK-BUNGOCINO-EMAS", 3_500_000, 4, motif="Bungo Cino", benang="Emas"),
            _v("SGK-BUNGOCINO-SUTRA", 4_600_000, 3, motif="Bungo Cino", benang="Sutra"),
        ),
        image_shape="cloth",
        alt_id="Kain songket motif bungo cino",
        alt_en="Songket cloth in the bungo cino flower motif",
    ),
    ProductData(
        slug="kain-songket-limar",
        category="songket",
        program="tenun-songket",
        name_id="Kain Songket Limar",
        name_en="Limar Songket Cloth",
        description_id="Limar memadukan benang pakan sutra yang diikat celup dengan sisipan "
        "benang emas, sehingga warnanya bergradasi lembut. " + _SONGKET_CARE_ID,
        description_en="Limar combines tie-dyed silk weft with inlaid gold thread, giving soft "
        "shifts of colour. " + _SONGKET_CARE_EN,
        kind=MADE_TO_ORDER,
        lead_time_days=50,
        weight_grams=800,
        size_cm=(40, 30, 5),
        variants=(
            _v("SGK-LIMAR-SUTRA", 4_200_000, 3, motif="Limar", benang="Sutra"),
            _v("SGK-LIMAR-TABUR-SUTRA", 5_400_000, 2, motif="Limar Tabur", benang="Sutra"),
        ),
        image_shape="cloth",
        alt_id="Kain songket limar benang sutra",
        alt_en="Limar songket cloth with silk thread",
    ),
    ProductData(
        slug="kain-songket-jando-berhias",
        category="songket",
        program="tenun-songket",
        name_id="Kain Songket Jando Berhias",
        name_en="Jando Berhias Songket Cloth",
        description_id="Motif jando berhias dahulu dikenakan pada masa peralihan, kini dipakai "
        "siapa saja sebagai kain anggun untuk acara resmi. " + _SONGKET_CARE_ID,
        description_en="Once worn at times of transition, the jando berhias motif is now an "
        "elegant cloth for anyone on formal occasions. " + _SONGKET_CARE_EN,
        kind=MADE_TO_ORDER,
        lead_time_days=40,
        weight_grams=950,
        size_cm=(40, 30, 5),
        variants=(
            _v("SGK-JANDO-EMAS", 3_800_000, 3, motif="Jando Berhias", benang="Emas"),
            _v("SGK-JANDO-SUTRA", 4_900_000, 2, motif="Jando Berhias", benang="Sutra"),
        ),
        image_shape="cloth",
        alt_id="Kain songket motif jando berhias",
        alt_en="Songket cloth in the jando berhias motif",
    ),
    ProductData(
        slug="kain-songket-bungo-pacik",
        category="songket",
        program="tenun-songket",
        name_id="Kain Songket Bungo Pacik",
        name_en="Bungo Pacik Songket Cloth",
        description_id="Bungo pacik menampilkan bunga kecil yang ditenun rapat, cocok untuk "
        "pemakaian sehari-hari yang tetap istimewa. " + _SONGKET_CARE_ID,
        description_en="Bungo pacik shows small, closely woven flowers: special, yet right for "
        "everyday wear. " + _SONGKET_CARE_EN,
        kind=MADE_TO_ORDER,
        lead_time_days=30,
        weight_grams=850,
        size_cm=(40, 30, 5),
        variants=(
            _v("SGK-PACIK-SUTRA", 3_200_000, 4, motif="Bungo Pacik", benang="Sutra"),
            _v("SGK-PACIK-EMAS", 3_600_000, 4, motif="Bungo Pacik", benang="Emas"),
        ),
        image_shape="cloth",
        alt_id="Kain songket motif bungo pacik",
        alt_en="Songket cloth in the bungo pacik motif",
    ),
    ProductData(
        slug="selendang-songket",
        category="songket",
        program="tenun-songket",
        name_id="Selendang Songket",
        name_en="Songket Shawl",
        description_id="Selendang songket selebar 50 cm untuk melengkapi kebaya atau baju kurung. "
        "Ditenun dengan motif pilihan dan ujung berumbai.",
        description_en="A 50 cm wide songket shawl to finish a kebaya or baju kurung. Woven in "
        "the motif of your choice with fringed ends.",
        kind=MADE_TO_ORDER,
        lead_time_days=21,
        weight_grams=350,
        size_cm=(30, 25, 4),
        variants=(
            _v("SGK-SLD-PACIK", 1_250_000, 6, motif="Bungo Pacik", benang="Emas"),
            _v("SGK-SLD-CANTIK-MANIS", 1_150_000, 5, motif="Cantik Manis", benang="Emas"),
            _v("SGK-SLD-TABUR", 1_350_000, 4, motif="Tabur Bintang", benang="Emas"),
        ),
        image_shape="cloth",
        alt_id="Selendang songket dengan ujung berumbai",
        alt_en="Songket shawl with fringed ends",
    ),
    ProductData(
        slug="set-songket-pengantin",
        category="songket",
        program="tenun-songket",
        name_id="Set Songket Pengantin (Kain dan Selendang)",
        name_en="Bridal Songket Set (Cloth and Shawl)",
        description_id="Sepasang kain dan selendang dengan motif serasi untuk pernikahan adat "
        "Palembang. Dikemas dalam kotak kayu. " + _SONGKET_CARE_ID,
        description_en="A matching cloth and shawl for a traditional Palembang wedding, packed in "
        "a wooden box. " + _SONGKET_CARE_EN,
        kind=MADE_TO_ORDER,
        lead_time_days=60,
        weight_grams=2000,
        size_cm=(45, 35, 12),
        variants=(
            _v("SGK-SET-LEPUS-EMAS", 8_500_000, 2, motif="Lepus", benang="Emas"),
            _v("SGK-SET-BUNGOCINO-EMAS", 5_900_000, 2, motif="Bungo Cino", benang="Emas"),
        ),
        image_shape="cloth",
        alt_id="Set kain dan selendang songket pengantin",
        alt_en="Bridal songket cloth and shawl set",
        featured=True,
    ),
    ProductData(
        slug="tanjak-songket",
        category="songket",
        program="tenun-songket",
        name_id="Tanjak Songket",
        name_en="Songket Tanjak Headdress",
        description_id="Tanjak, ikat kepala khas Palembang, dilipat dari kain songket dan dijahit "
        "agar bentuknya tetap. Tersedia lingkar kepala standar.",
        description_en="The tanjak, Palembang's folded headdress, made from songket and stitched "
        "to keep its shape. Standard head size.",
        kind=MADE_TO_ORDER,
        lead_time_days=14,
        weight_grams=150,
        size_cm=(30, 30, 15),
        variants=(
            _v("SGK-TANJAK-TABUR", 750_000, 6, motif="Tabur Bintang", benang="Emas"),
            _v("SGK-TANJAK-PACIK", 850_000, 5, motif="Bungo Pacik", benang="Emas"),
        ),
        image_shape="cloth",
        alt_id="Tanjak songket motif tabur bintang",
        alt_en="Songket tanjak headdress in the tabur bintang motif",
    ),
)


def _sizes(
    prefix: str, price: int, stock: dict[str, int], **options: str
) -> tuple[VariantData, ...]:
    """One variant per size, same price, with the given stock per size."""
    return tuple(
        _v(f"{prefix}-{size}", price, on_hand, ukuran=size, **options)
        for size, on_hand in stock.items()
    )


FASHION: tuple[ProductData, ...] = (
    ProductData(
        slug="kebaya-kutubaru-aksen-songket",
        category="fashion",
        program="tata-busana",
        name_id="Kebaya Kutubaru Aksen Songket",
        name_en="Kutubaru Kebaya with Songket Accents",
        description_id="Kebaya kutubaru berbahan katun rayon yang adem dengan bef songket di "
        "bagian depan. Cocok dipadukan dengan kain songket atau rok lilit.",
        description_en="A cool cotton-rayon kutubaru kebaya with a songket panel at the front. "
        "Pairs well with a songket cloth or a wrap skirt.",
        kind=STOCK,
        weight_grams=450,
        size_cm=(35, 28, 5),
        variants=(
            *_sizes("BSN-KBY-MRN", 585_000, {"S": 4, "M": 8, "L": 6}, warna="Merah Marun"),
            _v("BSN-KBY-MRN-XL", 610_000, 0, ukuran="XL", warna="Merah Marun"),
        ),
        image_shape="kebaya",
        alt_id="Kebaya kutubaru merah marun dengan aksen songket",
        alt_en="Maroon kutubaru kebaya with songket accents",
        featured=True,
    ),
    ProductData(
        slug="blus-aksen-songket",
        category="fashion",
        program="tata-busana",
        name_id="Blus Aksen Songket",
        name_en="Blouse with Songket Trim",
        description_id="Blus longgar lengan tiga perempat dengan list songket di ujung lengan "
        "dan bawah. Nyaman untuk kantor maupun acara santai.",
        description_en="A loose three-quarter-sleeve blouse with songket trim at the cuffs and "
        "hem. Comfortable for the office or a relaxed occasion.",
        kind=STOCK,
        weight_grams=300,
        size_cm=(32, 25, 4),
        variants=_sizes("BSN-BLS-HTM", 325_000, {"S": 12, "M": 15, "L": 9, "XL": 2}, warna="Hitam"),
        image_shape="blouse",
        alt_id="Blus hitam dengan list songket",
        alt_en="Black blouse with songket trim",
    ),
    ProductData(
        slug="dress-midi-aksen-songket",
        category="fashion",
        program="tata-busana",
        name_id="Dress Midi Aksen Songket",
        name_en="Midi Dress with Songket Band",
        description_id="Dress midi berpotongan A dengan sabuk songket di pinggang. Bahan "
        "katun toyobo yang jatuh dan tidak mudah kusut.",
        description_en="An A-line midi dress with a songket band at the waist. Made from "
        "soft-falling, crease-resistant toyobo cotton.",
        kind=STOCK,
        weight_grams=500,
        size_cm=(35, 28, 5),
        variants=_sizes("BSN-DRS-BDG", 485_000, {"S": 5, "M": 7, "L": 3}, warna="Biru Dongker"),
        image_shape="dress",
        alt_id="Dress midi biru dongker dengan sabuk songket",
        alt_en="Navy midi dress with a songket band",
    ),
    ProductData(
        slug="rok-lilit-motif-songket",
        category="fashion",
        program="tata-busana",
        name_id="Rok Lilit Motif Songket",
        name_en="Songket-Motif Wrap Skirt",
        description_id="Rok lilit siap pakai dengan tali pengikat, satu ukuran untuk lingkar "
        "pinggang 60 sampai 90 cm. Praktis untuk menggantikan kain panjang.",
        description_en="A ready-to-wear wrap skirt with ties, one size for waists of 60 to 90 "
        "cm. An easy alternative to a long cloth.",
        kind=STOCK,
        weight_grams=400,
        size_cm=(35, 28, 4),
        variants=(
            _v("BSN-ROK-MRN", 275_000, 10, ukuran="All Size", warna="Merah Marun"),
            _v("BSN-ROK-UNG", 275_000, 6, ukuran="All Size", warna="Ungu Terong"),
        ),
        image_shape="skirt",
        alt_id="Rok lilit bermotif songket",
        alt_en="Wrap skirt with a songket motif",
    ),
    ProductData(
        slug="kemeja-jumputan-pria",
        category="fashion",
        program="jumputan",
        name_id="Kemeja Jumputan Pria Lengan Pendek",
        name_en="Men's Short-Sleeve Jumputan Shirt",
        description_id="Kemeja katun lengan pendek dengan pola jumputan yang diikat dan dicelup "
        "tangan, sehingga setiap helai sedikit berbeda.",
        description_en="A short-sleeved cotton shirt in hand-tied, hand-dyed jumputan, so every "
        "shirt is slightly different.",
        kind=STOCK,
        weight_grams=300,
        size_cm=(32, 25, 4),
        variants=(
            *_sizes("BSN-KMJ-BRU", 245_000, {"M": 14, "L": 18}, warna="Biru"),
            _v("BSN-KMJ-BRU-XL", 255_000, 7, ukuran="XL", warna="Biru"),
        ),
        image_shape="shirt",
        alt_id="Kemeja jumputan biru lengan pendek",
        alt_en="Blue short-sleeved jumputan shirt",
    ),
    ProductData(
        slug="blus-jumputan-lengan-panjang",
        category="fashion",
        program="jumputan",
        name_id="Blus Jumputan Lengan Panjang",
        name_en="Long-Sleeve Jumputan Blouse",
        description_id="Blus jumputan berbahan katun paris yang ringan dengan kancing depan. "
        "Warna cerah dari pewarna yang tahan luntur.",
        description_en="A light cotton jumputan blouse with front buttons. Bright, colour-fast "
        "dyes.",
        kind=STOCK,
        weight_grams=250,
        size_cm=(32, 25, 4),
        variants=(
            _v("BSN-BLJ-PNK-M", 235_000, 6, ukuran="M", warna="Merah Muda"),
            _v("BSN-BLJ-PNK-L", 235_000, 4, ukuran="L", warna="Merah Muda"),
            _v("BSN-BLJ-TSC-M", 235_000, 9, ukuran="M", warna="Tosca"),
            _v("BSN-BLJ-TSC-L", 235_000, 1, ukuran="L", warna="Tosca"),
        ),
        image_shape="shirt",
        alt_id="Blus jumputan merah muda lengan panjang",
        alt_en="Pink long-sleeved jumputan blouse",
    ),
    ProductData(
        slug="outer-jumputan-kimono",
        category="fashion",
        program="jumputan",
        name_id="Outer Jumputan Kimono",
        name_en="Jumputan Kimono Outer",
        description_id="Outer berpotongan kimono yang longgar, mudah dipadukan dengan kaus atau "
        "gamis. Satu ukuran untuk S sampai XL.",
        description_en="A loose kimono-cut outer layer that goes over a T-shirt or a long dress. "
        "One size for S to XL.",
        kind=STOCK,
        weight_grams=300,
        size_cm=(32, 25, 4),
        variants=(
            _v("BSN-OTR-UNG", 225_000, 8, ukuran="All Size", warna="Ungu"),
            _v("BSN-OTR-HJB", 225_000, 11, ukuran="All Size", warna="Hijau Botol"),
            _v("BSN-OTR-KNY", 225_000, 0, ukuran="All Size", warna="Kuning Kunyit"),
        ),
        image_shape="outer",
        alt_id="Outer kimono jumputan ungu",
        alt_en="Purple jumputan kimono outer",
    ),
    ProductData(
        slug="kain-jumputan-2-meter",
        category="fashion",
        program="jumputan",
        name_id="Kain Jumputan Palembang 2 Meter",
        name_en="Palembang Jumputan Fabric, 2 Metres",
        description_id="Kain jumputan katun primisima sepanjang 2 meter dan lebar 115 cm. Siap "
        "dijahit menjadi kemeja, gamis atau dipakai sebagai kain panjang.",
        description_en="Two metres of primisima cotton jumputan, 115 cm wide. Ready to sew into "
        "a shirt or dress, or to wear as a long cloth.",
        kind=STOCK,
        weight_grams=350,
        size_cm=(30, 25, 4),
        variants=(
            _v("JMP-KAIN-MRH", 185_000, 20, warna="Merah"),
            _v("JMP-KAIN-BRU", 185_000, 16, warna="Biru"),
            _v("JMP-KAIN-HJU", 185_000, 12, warna="Hijau"),
        ),
        image_shape="cloth",
        alt_id="Kain jumputan merah dengan pola bulatan",
        alt_en="Red jumputan fabric with a pattern of rings",
        featured=True,
    ),
    ProductData(
        slug="kerudung-segi-empat-jumputan",
        category="fashion",
        program="jumputan",
        name_id="Kerudung Segi Empat Jumputan",
        name_en="Square Jumputan Headscarf",
        description_id="Kerudung segi empat 115 x 115 cm dari voal yang lembut dan tidak "
        "menerawang, dengan pola jumputan di seluruh permukaan.",
        description_en="A 115 x 115 cm square headscarf in soft, opaque voile, patterned with "
        "jumputan all over.",
        kind=STOCK,
        weight_grams=120,
        size_cm=(25, 20, 2),
        variants=(
            _v("JMP-KRD-PNK", 95_000, 25, warna="Merah Muda"),
            _v("JMP-KRD-UNG", 95_000, 30, warna="Ungu"),
            _v("JMP-KRD-TSC", 95_000, 18, warna="Tosca"),
            _v("JMP-KRD-KRM", 95_000, 22, warna="Krem"),
        ),
        image_shape="scarf",
        alt_id="Kerudung segi empat jumputan",
        alt_en="Square jumputan headscarf",
    ),
    ProductData(
        slug="tote-bag-kanvas-aksen-songket",
        category="fashion",
        program="tata-busana",
        name_id="Tote Bag Kanvas Aksen Songket",
        name_en="Canvas Tote Bag with Songket Band",
        description_id="Tote bag kanvas tebal dengan pita songket dan saku dalam beresleting. "
        "Muat laptop 14 inci.",
        description_en="A sturdy canvas tote with a songket band and a zipped inside pocket. "
        "Fits a 14-inch laptop.",
        kind=STOCK,
        weight_grams=350,
        size_cm=(40, 35, 3),
        variants=(
            _v("BSN-TOTE-KRM", 125_000, 35, warna="Krem"),
            _v("BSN-TOTE-HTM", 125_000, 28, warna="Hitam"),
        ),
        image_shape="bag",
        alt_id="Tote bag kanvas krem dengan pita songket",
        alt_en="Cream canvas tote bag with a songket band",
    ),
)


BAKERY: tuple[ProductData, ...] = (
    ProductData(
        slug="roti-manis-isi",
        category="roti-kue",
        program="tata-boga",
        name_id="Roti Manis Isi",
        name_en="Filled Sweet Buns",
        description_id="Roti manis empuk dengan isian melimpah, dipanggang pagi hari pengiriman. "
        "Satu kemasan berisi enam buah.",
        description_en="Soft sweet buns with a generous filling, baked on the morning they are "
        "sent. Six buns per pack.",
        kind=PERISHABLE,
        shelf_life_days=3,
        weight_grams=420,
        size_cm=(25, 18, 8),
        variants=(
            _v("BOG-RTM-CKL", 18_000, 24, isi="6 pcs", rasa="Cokelat"),
            _v("BOG-RTM-KJU", 20_000, 20, isi="6 pcs", rasa="Keju"),
            _v("BOG-RTM-KCH", 18_000, 15, isi="6 pcs", rasa="Kacang Hijau"),
        ),
        image_shape="buns",
        alt_id="Roti manis isi cokelat di atas piring",
        alt_en="Chocolate-filled sweet buns on a plate",
    ),
    ProductData(
        slug="roti-sobek-susu",
        category="roti-kue",
        program="tata-boga",
        name_id="Roti Sobek Susu",
        name_en="Milk Pull-Apart Bread",
        description_id="Roti sobek lembut dengan susu segar, mudah disobek untuk sarapan "
        "keluarga. Tanpa pengawet.",
        description_en="Soft pull-apart bread made with fresh milk, easy to share at breakfast. "
        "No preservatives.",
        kind=PERISHABLE,
        shelf_life_days=3,
        weight_grams=400,
        size_cm=(25, 20, 10),
        variants=(
            _v("BOG-RSB-ORI", 25_000, 12, rasa="Original"),
            _v("BOG-RSB-CKL", 28_000, 10, rasa="Cokelat"),
            _v("BOG-RSB-PDN", 28_000, 2, rasa="Pandan"),
        ),
        image_shape="bread",
        alt_id="Roti sobek susu",
        alt_en="Milk pull-apart bread",
    ),
    ProductData(
        slug="roti-tawar-kupas",
        category="roti-kue",
        program="tata-boga",
        name_id="Roti Tawar Kupas",
        name_en="Crustless White Bread",
        description_id="Roti tawar tanpa kulit yang lembut untuk roti bakar atau sandwich. "
        "Diiris rapi dan dikemas rapat.",
        description_en="Soft crustless white bread for toast or sandwiches. Neatly sliced and "
        "sealed.",
        kind=PERISHABLE,
        shelf_life_days=3,
        weight_grams=450,
        size_cm=(25, 12, 12),
        variants=(
            _v("BOG-RTW-HALF", 15_000, 18, isi="Setengah"),
            _v("BOG-RTW-FULL", 27_000, 14, isi="Utuh"),
        ),
        image_shape="bread",
        alt_id="Roti tawar kupas",
        alt_en="Crustless white bread",
    ),
    ProductData(
        slug="bolu-gulung",
        category="roti-kue",
        program="tata-boga",
        name_id="Bolu Gulung",
        name_en="Swiss Roll",
        description_id="Bolu gulung lembut dengan selai mentega, dipotong tebal. Panjang "
        "sekitar 25 cm.",
        description_en="A soft Swiss roll with buttercream filling, cut in thick slices. About "
        "25 cm long.",
        kind=PERISHABLE,
        shelf_life_days=4,
        weight_grams=550,
        size_cm=(30, 12, 10),
        variants=(
            _v("BOG-BLG-PDN", 55_000, 8, rasa="Pandan"),
            _v("BOG-BLG-CKL", 58_000, 6, rasa="Cokelat"),
            _v("BOG-BLG-KJU", 60_000, 5, rasa="Keju"),
        ),
        image_shape="roll",
        alt_id="Bolu gulung pandan",
        alt_en="Pandan Swiss roll",
    ),
    ProductData(
        slug="bolu-kojo-palembang",
        category="roti-kue",
        program="tata-boga",
        name_id="Bolu Kojo Palembang",
        name_en="Palembang Kojo Pandan Cake",
        description_id="Kue kojo khas Palembang dari telur, santan dan daun pandan, legit dan "
        "harum. Dipanggang dalam cetakan bunga.",
        description_en="Palembang's kojo cake of eggs, coconut milk and pandan: dense, moist and "
        "fragrant. Baked in a flower-shaped tin.",
        kind=PERISHABLE,
        shelf_life_days=4,
        weight_grams=700,
        size_cm=(26, 26, 8),
        variants=(
            _v("BOG-KOJO-18", 65_000, 10, isi="Loyang Kecil (18 cm)"),
            _v("BOG-KOJO-24", 110_000, 6, isi="Loyang Besar (24 cm)"),
        ),
        image_shape="round",
        alt_id="Bolu kojo pandan dalam cetakan bunga",
        alt_en="Pandan kojo cake in a flower-shaped tin",
        featured=True,
    ),
    ProductData(
        slug="kue-maksuba",
        category="roti-kue",
        program="tata-boga",
        name_id="Kue Maksuba",
        name_en="Maksuba Layered Egg Cake",
        description_id="Maksuba, kue lapis khas Palembang dari telur bebek dan susu kental manis, "
        "dipanggang selapis demi selapis. Manis, padat dan harum.",
        description_en="Maksuba, Palembang's layered cake of duck eggs and condensed milk, baked "
        "one layer at a time. Sweet, dense and fragrant.",
        kind=PERISHABLE,
        shelf_life_days=7,
        weight_grams=1000,
        size_cm=(24, 24, 8),
        variants=(
            _v("BOG-MKS-HALF", 120_000, 6, isi="Setengah Loyang (10 x 20 cm)"),
            _v("BOG-MKS-FULL", 230_000, 4, isi="Loyang Penuh (20 x 20 cm)"),
        ),
        image_shape="layer",
        alt_id="Potongan kue maksuba berlapis",
        alt_en="Slices of layered maksuba cake",
        featured=True,
    ),
    ProductData(
        slug="lapis-legit-original",
        category="roti-kue",
        program="tata-boga",
        name_id="Lapis Legit Original",
        name_en="Classic Lapis Legit",
        description_id="Lapis legit dengan rempah kayu manis dan cengkih, belasan lapis tipis "
        "yang dipanggang satu per satu.",
        description_en="Lapis legit spiced with cinnamon and clove: a dozen and more thin layers, "
        "each baked in turn.",
        kind=PERISHABLE,
        shelf_life_days=7,
        weight_grams=1100,
        size_cm=(24, 24, 8),
        variants=(
            _v("BOG-LGT-HALF", 135_000, 5, isi="Setengah Loyang (10 x 20 cm)"),
            _v("BOG-LGT-FULL", 250_000, 3, isi="Loyang Penuh (20 x 20 cm)"),
        ),
        image_shape="layer",
        alt_id="Lapis legit berlapis-lapis",
        alt_en="Many-layered lapis legit",
    ),
    ProductData(
        slug="kue-8-jam",
        category="roti-kue",
        program="tata-boga",
        name_id="Kue 8 Jam",
        name_en="Eight-Hour Cake",
        description_id="Kue 8 jam dikukus perlahan selama delapan jam hingga berwarna cokelat "
        "karamel. Hidangan istimewa hari raya di Palembang.",
        description_en="The eight-hour cake is steamed slowly for eight hours until it turns "
        "caramel brown. A festive speciality in Palembang.",
        kind=PERISHABLE,
        shelf_life_days=7,
        weight_grams=1000,
        size_cm=(24, 24, 8),
        variants=(
            _v("BOG-8JAM-HALF", 110_000, 5, isi="Setengah Loyang (10 x 20 cm)"),
            _v("BOG-8JAM-FULL", 210_000, 3, isi="Loyang Penuh (20 x 20 cm)"),
        ),
        image_shape="round",
        alt_id="Kue 8 jam berwarna cokelat karamel",
        alt_en="Caramel-brown eight-hour cake",
    ),
    ProductData(
        slug="engkak-ketan",
        category="roti-kue",
        program="tata-boga",
        name_id="Engkak Ketan",
        name_en="Engkak Sticky Rice Layer Cake",
        description_id="Engkak ketan berlapis dari tepung ketan, santan dan telur, kenyal dan "
        "legit. Kue wajib saat lebaran di Palembang.",
        description_en="A chewy, rich layer cake of glutinous rice flour, coconut milk and eggs; "
        "a must at Eid in Palembang.",
        kind=PERISHABLE,
        shelf_life_days=3,
        weight_grams=800,
        size_cm=(24, 24, 8),
        variants=(
            _v("BOG-ENGKAK-6", 45_000, 14, isi="Potong (isi 6)"),
            _v("BOG-ENGKAK-LOYANG", 120_000, 4, isi="Loyang (20 x 20 cm)"),
        ),
        image_shape="layer",
        alt_id="Potongan engkak ketan berlapis",
        alt_en="Slices of layered engkak sticky rice cake",
    ),
    ProductData(
        slug="donat-kentang",
        category="roti-kue",
        program="tata-boga",
        name_id="Donat Kentang",
        name_en="Potato Doughnuts",
        description_id="Donat kentang yang empuk dan ringan, digoreng pagi hari pengiriman. "
        "Paling nikmat dimakan di hari yang sama.",
        description_en="Soft, light potato doughnuts fried on the morning they are sent. Best "
        "eaten the same day.",
        kind=PERISHABLE,
        shelf_life_days=2,
        weight_grams=500,
        size_cm=(30, 22, 8),
        variants=(
            _v("BOG-DNT-CKL-6", 30_000, 12, isi="6 pcs", rasa="Cokelat"),
            _v("BOG-DNT-CKL-12", 55_000, 8, isi="12 pcs", rasa="Cokelat"),
            _v("BOG-DNT-GLH-6", 28_000, 0, isi="6 pcs", rasa="Gula Halus"),
        ),
        image_shape="donut",
        alt_id="Donat kentang dengan topping cokelat",
        alt_en="Potato doughnuts with chocolate topping",
    ),
)


TEMPE: tuple[ProductData, ...] = (
    ProductData(
        slug="tempe-kedelai-daun-pisang",
        category="tempe",
        program="produksi-tempe",
        name_id="Tempe Kedelai Bungkus Daun Pisang",
        name_en="Soybean Tempe in Banana Leaf",
        description_id="Tempe kedelai yang difermentasi dalam daun pisang, beraroma khas dan "
        "padat. Simpan di lemari es setelah diterima.",
        description_en="Soybean tempe fermented in banana leaf, with its own aroma and a firm "
        "bite. Refrigerate on arrival.",
        kind=PERISHABLE,
        shelf_life_days=3,
        weight_grams=550,
        size_cm=(25, 18, 6),
        variants=(
            _v("TMP-DAUN-500", 12_000, 30, berat="500 g"),
            _v("TMP-DAUN-1000", 22_000, 20, berat="1 kg"),
        ),
        image_shape="blocks",
        alt_id="Tempe kedelai segar di atas daun pisang",
        alt_en="Fresh soybean tempe on banana leaf",
        featured=True,
    ),
    ProductData(
        slug="tempe-kedelai-papan",
        category="tempe",
        program="produksi-tempe",
        name_id="Tempe Kedelai Papan",
        name_en="Soybean Tempe Slab",
        description_id="Tempe papan berbungkus plastik berlubang, mudah dipotong sesuai "
        "kebutuhan masakan.",
        description_en="A tempe slab in perforated wrapping, easy to cut to whatever the recipe "
        "needs.",
        kind=PERISHABLE,
        shelf_life_days=4,
        weight_grams=450,
        size_cm=(25, 15, 5),
        variants=(
            _v("TMP-PAPAN-400", 9_000, 25, berat="400 g"),
            _v("TMP-PAPAN-800", 17_000, 15, berat="800 g"),
        ),
        image_shape="block",
        alt_id="Sepotong tempe kedelai papan",
        alt_en="A slab of soybean tempe",
    ),
    ProductData(
        slug="tempe-mendoan-siap-goreng",
        category="tempe",
        program="produksi-tempe",
        name_id="Tempe Mendoan Siap Goreng",
        name_en="Ready-to-Fry Tempe Mendoan",
        description_id="Irisan tempe tipis yang sudah dibalut adonan tepung berbumbu dan daun "
        "bawang. Tinggal goreng sebentar.",
        description_en="Thin tempe slices already coated in seasoned batter with spring onion. "
        "Just fry briefly.",
        kind=PERISHABLE,
        shelf_life_days=2,
        weight_grams=450,
        size_cm=(25, 18, 5),
        variants=(
            _v("TMP-MENDOAN-10", 18_000, 16, isi="10 lembar"),
            _v("TMP-MENDOAN-20", 34_000, 1, isi="20 lembar"),
        ),
        image_shape="slices",
        alt_id="Tempe mendoan berbalut tepung",
        alt_en="Battered tempe mendoan slices",
    ),
    ProductData(
        slug="tempe-bacem",
        category="tempe",
        program="produksi-tempe",
        name_id="Tempe Bacem",
        name_en="Sweet Braised Tempe",
        description_id="Tempe yang direbus perlahan dengan gula aren, ketumbar dan lengkuas "
        "hingga bumbu meresap. Goreng sebentar sebelum disajikan.",
        description_en="Tempe simmered slowly with palm sugar, coriander and galangal until the "
        "spices soak in. Fry briefly before serving.",
        kind=PERISHABLE,
        shelf_life_days=3,
        weight_grams=500,
        size_cm=(25, 18, 5),
        variants=(
            _v("TMP-BACEM-6", 20_000, 12, isi="6 potong"),
            _v("TMP-BACEM-12", 38_000, 7, isi="12 potong"),
        ),
        image_shape="slices",
        alt_id="Tempe bacem berwarna cokelat",
        alt_en="Brown sweet braised tempe",
    ),
    ProductData(
        slug="nugget-tempe",
        category="tempe",
        program="produksi-tempe",
        name_id="Nugget Tempe",
        name_en="Tempe Nuggets",
        description_id="Nugget dari tempe, wortel dan sedikit ayam, dibalut tepung roti. "
        "Dikirim dingin; simpan di lemari es.",
        description_en="Nuggets of tempe, carrot and a little chicken in breadcrumbs. Sent "
        "chilled; keep refrigerated.",
        kind=PERISHABLE,
        shelf_life_days=5,
        weight_grams=550,
        size_cm=(22, 16, 5),
        variants=(
            _v("TMP-NUGGET-250", 25_000, 10, berat="250 g"),
            _v("TMP-NUGGET-500", 45_000, 6, berat="500 g"),
        ),
        image_shape="nugget",
        alt_id="Nugget tempe berbalut tepung roti",
        alt_en="Breaded tempe nuggets",
    ),
    ProductData(
        slug="keripik-tempe-original",
        category="tempe",
        program="produksi-tempe",
        name_id="Keripik Tempe Original",
        name_en="Original Tempe Chips",
        description_id="Keripik tempe tipis dan renyah dengan bumbu bawang dan ketumbar. "
        "Dikemas dalam kantong bersegel.",
        description_en="Thin, crunchy tempe chips seasoned with garlic and coriander, in a "
        "sealed pouch.",
        kind=STOCK,
        weight_grams=280,
        size_cm=(25, 18, 6),
        variants=(
            _v("TMP-KRP-ORI-100", 15_000, 40, berat="100 g", rasa="Original"),
            _v("TMP-KRP-ORI-250", 32_000, 25, berat="250 g", rasa="Original"),
        ),
        image_shape="chips",
        alt_id="Keripik tempe original yang renyah",
        alt_en="Crunchy original tempe chips",
    ),
    ProductData(
        slug="keripik-tempe-pedas-daun-jeruk",
        category="tempe",
        program="produksi-tempe",
        name_id="Keripik Tempe Pedas Daun Jeruk",
        name_en="Spicy Lime-Leaf Tempe Chips",
        description_id="Keripik tempe dengan cabai dan irisan daun jeruk yang harum. Pedasnya "
        "sedang.",
        description_en="Tempe chips with chilli and fragrant shredded lime leaves. Medium heat.",
        kind=STOCK,
        weight_grams=280,
        size_cm=(25, 18, 6),
        variants=(
            _v("TMP-KRP-PDS-100", 16_000, 28, berat="100 g", rasa="Pedas Daun Jeruk"),
            _v("TMP-KRP-PDS-250", 35_000, 0, berat="250 g", rasa="Pedas Daun Jeruk"),
        ),
        image_shape="chips",
        alt_id="Keripik tempe pedas dengan daun jeruk",
        alt_en="Spicy tempe chips with lime leaves",
    ),
    ProductData(
        slug="keripik-tempe-balado",
        category="tempe",
        program="produksi-tempe",
        name_id="Keripik Tempe Balado",
        name_en="Balado Tempe Chips",
        description_id="Keripik tempe bersalut bumbu balado manis pedas khas Sumatera.",
        description_en="Tempe chips coated in Sumatra's sweet and spicy balado seasoning.",
        kind=STOCK,
        weight_grams=280,
        size_cm=(25, 18, 6),
        variants=(
            _v("TMP-KRP-BLD-100", 16_000, 2, berat="100 g", rasa="Balado"),
            _v("TMP-KRP-BLD-250", 35_000, 14, berat="250 g", rasa="Balado"),
        ),
        image_shape="chips",
        alt_id="Keripik tempe balado",
        alt_en="Balado tempe chips",
    ),
    ProductData(
        slug="paket-oleh-oleh-keripik-tempe",
        category="tempe",
        program="kewirausahaan",
        name_id="Paket Oleh-oleh Keripik Tempe",
        name_en="Tempe Chips Gift Pack",
        description_id="Tiga rasa keripik tempe dalam kotak hadiah bermotif songket, dirancang "
        "dan dikemas oleh kelas kewirausahaan. Cocok sebagai oleh-oleh dari Palembang.",
        description_en="Three flavours of tempe chips in a songket-patterned gift box, designed "
        "and packed by the entrepreneurship class. A fine souvenir of Palembang.",
        kind=STOCK,
        weight_grams=600,
        size_cm=(30, 20, 10),
        variants=(
            _v("KWU-OLEH-300", 48_000, 15, isi="3 rasa x 100 g"),
            _v("KWU-OLEH-750", 99_000, 8, isi="3 rasa x 250 g"),
        ),
        image_shape="chips",
        alt_id="Kotak hadiah berisi keripik tempe tiga rasa",
        alt_en="Gift box of tempe chips in three flavours",
    ),
)


CRAFTS: tuple[ProductData, ...] = (
    ProductData(
        slug="tikar-anyaman-purun",
        category="kerajinan",
        program="anyaman-rajut",
        name_id="Tikar Anyaman Purun",
        name_en="Purun Sedge Mat",
        description_id="Tikar purun tradisional yang sejuk untuk duduk atau alas piknik. "
        "Dianyam rapat dengan pola bergaris merah.",
        description_en="A traditional purun mat, cool to sit on or to take on a picnic. Tightly "
        "woven with red stripes.",
        kind=STOCK,
        weight_grams=1800,
        size_cm=(92, 20, 20),
        variants=(
            _v("KRJ-TKR-90", 145_000, 8, ukuran="90 x 180 cm"),
            _v("KRJ-TKR-120", 195_000, 5, ukuran="120 x 200 cm"),
        ),
        image_shape="mat",
        alt_id="Tikar anyaman purun",
        alt_en="Woven purun mat",
    ),
    ProductData(
        slug="tas-anyaman-purun",
        category="kerajinan",
        program="anyaman-rajut",
        name_id="Tas Anyaman Purun",
        name_en="Purun Woven Bag",
        description_id="Tas belanja ringan dari purun dengan tali kain, kuat untuk ke pasar. "
        "Ramah lingkungan pengganti kantong plastik.",
        description_en="A light purun shopping bag with cloth handles, sturdy enough for the "
        "market. A natural alternative to plastic bags.",
        kind=STOCK,
        weight_grams=300,
        size_cm=(40, 12, 35),
        variants=(
            _v("KRJ-TAS-PURUN-NAT", 95_000, 14, warna="Natural"),
            _v("KRJ-TAS-PURUN-MRH", 105_000, 9, warna="Merah"),
        ),
        image_shape="bag",
        alt_id="Tas anyaman purun warna natural",
        alt_en="Natural-coloured purun woven bag",
    ),
    ProductData(
        slug="keranjang-purun-serbaguna",
        category="kerajinan",
        program="anyaman-rajut",
        name_id="Keranjang Purun Serbaguna",
        name_en="Purun Storage Basket",
        description_id="Keranjang purun berbentuk bulat untuk menyimpan mainan, kain atau "
        "tanaman hias. Tersedia tiga ukuran.",
        description_en="A round purun basket for toys, linen or house plants. Three sizes.",
        kind=STOCK,
        weight_grams=400,
        size_cm=(35, 35, 30),
        variants=(
            _v("KRJ-KRJ-S", 55_000, 18, ukuran="S"),
            _v("KRJ-KRJ-M", 75_000, 12, ukuran="M"),
            _v("KRJ-KRJ-L", 95_000, 7, ukuran="L"),
        ),
        image_shape="basket",
        alt_id="Keranjang anyaman purun",
        alt_en="Woven purun basket",
    ),
    ProductData(
        slug="tatakan-gelas-purun",
        category="kerajinan",
        program="anyaman-rajut",
        name_id="Tatakan Gelas Purun",
        name_en="Purun Coasters",
        description_id="Tatakan gelas bundar dari purun yang menyerap embun gelas dingin. "
        "Satu set dalam kantong kain.",
        description_en="Round purun coasters that soak up the sweat of a cold glass. A set in "
        "a cloth pouch.",
        kind=STOCK,
        weight_grams=150,
        size_cm=(15, 15, 5),
        variants=(
            _v("KRJ-TTK-6", 45_000, 30, isi="6 pcs"),
            _v("KRJ-TTK-12", 85_000, 12, isi="12 pcs"),
        ),
        image_shape="coasters",
        alt_id="Tatakan gelas anyaman purun",
        alt_en="Woven purun coasters",
    ),
    ProductData(
        slug="tas-rajut-tali-kur",
        category="kerajinan",
        program="anyaman-rajut",
        name_id="Tas Rajut Tali Kur",
        name_en="Crocheted Cord Bag",
        description_id="Tas bahu rajutan tangan dari tali kur yang kuat dan mudah dibersihkan. "
        "Dilapisi furing dengan kancing magnet.",
        description_en="A hand-crocheted shoulder bag in strong, easy-clean nylon cord, lined and "
        "closed with a magnetic button.",
        kind=STOCK,
        weight_grams=450,
        size_cm=(35, 12, 30),
        variants=(
            _v("KRJ-RJT-TSC", 165_000, 6, warna="Tosca"),
            _v("KRJ-RJT-HTM", 165_000, 4, warna="Hitam"),
            _v("KRJ-RJT-KRM", 165_000, 1, warna="Krem"),
        ),
        image_shape="knit_bag",
        alt_id="Tas rajut tali kur warna tosca",
        alt_en="Teal crocheted cord bag",
        featured=True,
    ),
    ProductData(
        slug="gantungan-kunci-songket",
        category="kerajinan",
        program="kriya-perca",
        name_id="Gantungan Kunci Songket",
        name_en="Songket Key Ring",
        description_id="Gantungan kunci dari perca songket asli dengan ring logam. Oleh-oleh "
        "kecil khas Palembang.",
        description_en="A key ring made from genuine songket offcuts on a metal ring. A small "
        "souvenir of Palembang.",
        kind=STOCK,
        weight_grams=30,
        size_cm=(12, 8, 2),
        variants=(
            _v("PRC-GTK-TABUR", 15_000, 40, motif="Tabur"),
            _v("PRC-GTK-BUNGOCINO", 15_000, 35, motif="Bungo Cino"),
            _v("PRC-GTK-LEPUS", 20_000, 22, motif="Lepus"),
        ),
        image_shape="keychain",
        alt_id="Gantungan kunci dari perca songket",
        alt_en="Key rings made from songket offcuts",
    ),
    ProductData(
        slug="bros-songket",
        category="kerajinan",
        program="kriya-perca",
        name_id="Bros Songket",
        name_en="Songket Brooch",
        description_id="Bros bundar berlapis perca songket dengan peniti kuat, untuk kerudung, "
        "kebaya atau tas.",
        description_en="A round brooch covered in songket offcut with a strong pin, for a "
        "headscarf, a kebaya or a bag.",
        kind=STOCK,
        weight_grams=25,
        size_cm=(10, 8, 3),
        variants=(
            _v("PRC-BROS-PACIK", 35_000, 20, motif="Bungo Pacik"),
            _v("PRC-BROS-NAGO", 40_000, 12, motif="Nago Besaung"),
        ),
        image_shape="brooch",
        alt_id="Bros bundar dari perca songket",
        alt_en="Round brooches made from songket offcuts",
    ),
    ProductData(
        slug="dompet-songket",
        category="kerajinan",
        program="kriya-perca",
        name_id="Dompet Songket",
        name_en="Songket Wallet",
        description_id="Dompet lipat berlapis songket dengan ruang kartu dan saku koin "
        "beresleting.",
        description_en="A folding wallet faced with songket, with card slots and a zipped coin "
        "pocket.",
        kind=STOCK,
        weight_grams=120,
        size_cm=(20, 12, 3),
        variants=(
            _v("PRC-DMP-MRN", 85_000, 15, warna="Merah Marun"),
            _v("PRC-DMP-UNG", 85_000, 10, warna="Ungu"),
        ),
        image_shape="wallet",
        alt_id="Dompet lipat berlapis songket merah marun",
        alt_en="Maroon songket-faced folding wallet",
    ),
    ProductData(
        slug="sarung-bantal-songket",
        category="kerajinan",
        program="kriya-perca",
        name_id="Sarung Bantal Songket 40 x 40",
        name_en="Songket Cushion Cover 40 x 40",
        description_id="Sarung bantal sofa 40 x 40 cm dengan panel songket di bagian depan dan "
        "resleting tersembunyi. Isi bantal tidak termasuk.",
        description_en="A 40 x 40 cm cushion cover with a songket front panel and a hidden zip. "
        "Cushion pad not included.",
        kind=STOCK,
        weight_grams=250,
        size_cm=(30, 25, 4),
        variants=(
            _v("PRC-BTL-TABUR", 135_000, 10, motif="Tabur Bintang"),
            _v("PRC-BTL-BUNGOCINO", 145_000, 6, motif="Bungo Cino"),
        ),
        image_shape="cushion",
        alt_id="Sarung bantal dengan panel songket",
        alt_en="Cushion cover with a songket panel",
        featured=True,
    ),
    ProductData(
        slug="runner-meja-songket",
        category="kerajinan",
        program="kriya-perca",
        name_id="Taplak Runner Meja Songket",
        name_en="Songket Table Runner",
        description_id="Taplak runner dari sambungan perca songket dengan pinggiran kain polos. "
        "Mempercantik meja makan saat hari raya.",
        description_en="A table runner pieced from songket offcuts with a plain border. Dresses "
        "the dining table for festive days.",
        kind=STOCK,
        weight_grams=350,
        size_cm=(35, 25, 4),
        variants=(
            _v("PRC-RNR-150", 225_000, 6, ukuran="30 x 150 cm"),
            _v("PRC-RNR-200", 275_000, 3, ukuran="30 x 200 cm"),
        ),
        image_shape="runner",
        alt_id="Taplak runner meja dari perca songket",
        alt_en="Table runner made from songket offcuts",
    ),
    ProductData(
        slug="paket-hampers-wastra",
        category="kerajinan",
        program="kewirausahaan",
        name_id="Paket Hampers Wastra Cantik",
        name_en="Cantik Textile Gift Hamper",
        description_id="Keranjang purun berisi pilihan bros, gantungan kunci dan dompet songket, "
        "dikemas rapi dengan kartu ucapan. Dirancang oleh kelas kewirausahaan.",
        description_en="A purun basket holding a selection of songket brooches, key rings and a "
        "wallet, neatly wrapped with a greeting card. Designed by the entrepreneurship class.",
        kind=STOCK,
        weight_grams=900,
        size_cm=(35, 30, 20),
        variants=(
            _v("KWU-HMP-KECIL", 185_000, 10, isi="Paket Kecil"),
            _v("KWU-HMP-BESAR", 375_000, 5, isi="Paket Besar"),
        ),
        image_shape="basket",
        alt_id="Keranjang hampers berisi kerajinan songket",
        alt_en="Gift basket of songket crafts",
    ),
)


PRODUCTS: tuple[ProductData, ...] = SONGKET + FASHION + BAKERY + TEMPE + CRAFTS


@dataclass(frozen=True)
class DemoAccountData:
    role: str
    email: str
    password: str  # development only: ``flask seed-demo`` refuses to run in production
    name: str
    partner: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccountData, ...] = tuple(
    DemoAccountData(
        role,
        f"{role}.demo@cantik.example",
        f"demo-{role}-cantik",
        f"Demo {role.capitalize()}",
        "dekranasda-sumsel" if role == "partner" else None,
    )
    for role in ("admin", "operations", "production", "finance", "auditor", "partner", "buyer")
)
