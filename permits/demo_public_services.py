"""Demo directory of services other offices handle, as a regency's citizens ask for them.

Offices, hours and channels follow how these services are published nationally
(Disdukcapil, Samsat, Bapenda, Polres, Kantor Imigrasi, Kantor Pertanahan, BKN,
PLN, PDAM, BPJS, Pengadilan Agama, KUA); addresses are the demo regency's.
"""

from __future__ import annotations

from typing import Any

_DUKCAPIL = {
    "office": "Dinas Kependudukan dan Pencatatan Sipil (Disdukcapil) Kabupaten Sukamaju",
    "address": "Jl. Pahlawan No. 12, Sukamaju",
    "hours": "Senin–Jumat 08.00–15.00 WIB",
    "phone": "(0271) 555-0110",
    "website": "https://dukcapil.sukamajukab.go.id",
}

PUBLIC_SERVICES: list[dict[str, Any]] = [
    {
        "slug": "kk",
        "name": "Kartu Keluarga (KK)",
        "aliases": ["kk", "kartu keluarga", "pecah kk", "tambah anggota kk"],
        **_DUKCAPIL,
        "how": "Bawa KK lama, KTP-el dan dokumen perubahan (akta kelahiran, buku nikah, surat "
        "pindah); bisa juga lewat aplikasi Identitas Kependudukan Digital (IKD).",
    },
    {
        "slug": "ktp_el",
        "name": "KTP elektronik",
        "aliases": ["ktp", "e-ktp", "ktp el", "ktp elektronik", "rekam ktp", "ktp hilang"],
        **_DUKCAPIL,
        "how": "Perekaman dan cetak ulang di Disdukcapil atau kantor kecamatan; KTP hilang "
        "cukup membawa surat kehilangan dari kepolisian dan fotokopi KK.",
    },
    {
        "slug": "akta_kelahiran",
        "name": "Akta kelahiran",
        "aliases": ["akta kelahiran", "akte lahir", "akta lahir", "akte kelahiran"],
        **_DUKCAPIL,
        "how": "Surat keterangan lahir dari bidan/rumah sakit, KK dan buku nikah orang tua; "
        "gratis.",
    },
    {
        "slug": "akta_kematian",
        "name": "Akta kematian",
        "aliases": ["akta kematian", "akte kematian", "akta mati"],
        **_DUKCAPIL,
        "how": "Surat keterangan kematian dari desa/kelurahan atau rumah sakit, KK dan KTP-el "
        "almarhum; gratis.",
    },
    {
        "slug": "pindah_domisili",
        "name": "Pindah domisili (surat pindah)",
        "aliases": ["pindah domisili", "surat pindah", "pindah alamat ktp", "skpwni"],
        **_DUKCAPIL,
        "how": "Ajukan Surat Keterangan Pindah di Disdukcapil daerah asal dengan KK dan KTP-el.",
    },
    {
        "slug": "pajak_kendaraan",
        "name": "Pajak kendaraan bermotor dan STNK",
        "aliases": ["pajak kendaraan", "pajak motor", "pajak mobil", "stnk", "samsat", "bbn"],
        "office": "Kantor Bersama Samsat Sukamaju",
        "address": "Jl. Raya Sukamaju No. 45",
        "hours": "Senin–Jumat 08.00–14.00 WIB, Sabtu 08.00–12.00 WIB",
        "phone": "(0271) 555-0120",
        "website": "https://samsat.sukamajuprov.go.id",
        "how": "Bawa KTP-el dan STNK asli; pajak tahunan juga bisa dibayar lewat aplikasi "
        "SIGNAL atau Samsat keliling.",
    },
    {
        "slug": "sim",
        "name": "Surat Izin Mengemudi (SIM)",
        "aliases": ["sim", "sim a", "sim c", "perpanjang sim"],
        "office": "Satpas SIM Polres Sukamaju",
        "address": "Jl. Bhayangkara No. 3, Sukamaju",
        "hours": "Senin–Sabtu 08.00–12.00 WIB",
        "phone": "110",
        "website": "https://korlantas.polri.go.id",
        "how": "Bawa KTP-el, surat keterangan sehat dan tes psikologi; perpanjangan bisa lewat "
        "aplikasi Digital Korlantas.",
    },
    {
        "slug": "pajak_daerah",
        "name": "Pajak daerah (PBB, BPHTB)",
        "aliases": ["pbb", "bphtb", "pajak bumi dan bangunan", "pajak daerah", "pajak restoran"],
        "office": "Badan Pendapatan Daerah (Bapenda) Kabupaten Sukamaju",
        "address": "Jl. Merdeka No. 5, Sukamaju",
        "hours": "Senin–Jumat 08.00–15.00 WIB",
        "phone": "(0271) 555-0130",
        "website": "https://bapenda.sukamajukab.go.id",
        "how": "SPPT PBB dibayar di bank atau kanal pembayaran yang ditunjuk; BPHTB divalidasi "
        "di Bapenda sebelum akta jual beli ditandatangani.",
    },
    {
        "slug": "skck",
        "name": "Surat Keterangan Catatan Kepolisian (SKCK)",
        "aliases": ["skck", "surat kelakuan baik", "catatan kepolisian"],
        "office": "Polres Sukamaju (unit Intelkam)",
        "address": "Jl. Bhayangkara No. 3, Sukamaju",
        "hours": "Senin–Jumat 08.00–14.00 WIB",
        "phone": "110",
        "website": "https://skck.polri.go.id",
        "how": "Daftar online di skck.polri.go.id, lalu datang membawa KTP-el, KK, akta "
        "kelahiran dan pas foto.",
    },
    {
        "slug": "paspor",
        "name": "Paspor",
        "aliases": ["paspor", "passport", "pasport"],
        "office": "Kantor Imigrasi Kelas I Sukamaju",
        "address": "Jl. Diponegoro No. 20, Sukamaju",
        "hours": "Senin–Jumat 08.00–16.00 WIB",
        "phone": "(0271) 555-0140",
        "website": "https://www.imigrasi.go.id",
        "how": "Ambil jadwal di aplikasi M-Paspor, lalu datang membawa KTP-el, KK dan akta "
        "kelahiran/ijazah.",
    },
    {
        "slug": "sertifikat_tanah",
        "name": "Sertifikat tanah",
        "aliases": ["sertifikat tanah", "balik nama sertifikat", "bpn", "shm", "pecah sertifikat"],
        "office": "Kantor Pertanahan (BPN) Kabupaten Sukamaju",
        "address": "Jl. Veteran No. 8, Sukamaju",
        "hours": "Senin–Jumat 08.00–15.00 WIB",
        "phone": "(0271) 555-0150",
        "website": "https://www.atrbpn.go.id",
        "how": "Layanan pendaftaran, balik nama dan pemecahan sertifikat di loket BPN atau lewat "
        "aplikasi Sentuh Tanahku.",
    },
    {
        "slug": "cpns",
        "name": "Seleksi CPNS dan PPPK",
        "aliases": ["cpns", "pppk", "lowongan asn", "tes cpns", "formasi asn"],
        "office": "Badan Kepegawaian dan Pengembangan SDM (BKPSDM) Kabupaten Sukamaju",
        "address": "Jl. Merdeka No. 1, Sukamaju",
        "hours": "Senin–Jumat 08.00–15.00 WIB",
        "phone": "(0271) 555-0160",
        "website": "https://sscasn.bkn.go.id",
        "how": "Pendaftaran seleksi ASN hanya lewat sscasn.bkn.go.id; formasi diumumkan BKN.",
    },
    {
        "slug": "listrik",
        "name": "Listrik PLN",
        "aliases": ["listrik", "pln", "token listrik", "tagihan listrik", "pasang listrik"],
        "office": "PLN UP3 Sukamaju",
        "address": "Jl. Gajah Mada No. 10, Sukamaju",
        "hours": "Senin–Jumat 08.00–15.00 WIB; pengaduan 24 jam",
        "phone": "123",
        "website": "https://www.pln.co.id",
        "how": "Pasang baru, tambah daya dan gangguan lewat aplikasi PLN Mobile atau call "
        "center 123.",
    },
    {
        "slug": "air_pdam",
        "name": "Air bersih PDAM",
        "aliases": ["pdam", "air pdam", "tagihan air", "air mati", "pasang air"],
        "office": "Perumda Air Minum Tirta Sukamaju (PDAM)",
        "address": "Jl. Sudirman No. 30, Sukamaju",
        "hours": "Senin–Jumat 08.00–15.00 WIB",
        "phone": "(0271) 555-0170",
        "website": "https://pdam.sukamajukab.go.id",
        "how": "Sambungan baru dan pengaduan di kantor PDAM atau call center-nya; tagihan "
        "dibayar di bank, kantor pos atau minimarket.",
    },
    {
        "slug": "bpjs",
        "name": "BPJS Kesehatan dan BPJS Ketenagakerjaan",
        "aliases": ["bpjs", "bpjs kesehatan", "bpjs ketenagakerjaan", "kis", "jamsostek"],
        "office": "Kantor Cabang BPJS Kesehatan / BPJS Ketenagakerjaan Sukamaju",
        "address": "Jl. Ahmad Yani No. 22, Sukamaju",
        "hours": "Senin–Jumat 08.00–15.00 WIB",
        "phone": "165 (Kesehatan) / 175 (Ketenagakerjaan)",
        "website": "https://www.bpjs-kesehatan.go.id",
        "how": "Pendaftaran dan perubahan data lewat aplikasi Mobile JKN atau JMO, atau di "
        "kantor cabang.",
    },
    {
        "slug": "perceraian",
        "name": "Perceraian",
        "aliases": ["cerai", "perceraian", "gugatan cerai", "talak"],
        "office": "Pengadilan Agama Sukamaju (Islam) / Pengadilan Negeri Sukamaju",
        "address": "Jl. Kartini No. 4, Sukamaju",
        "hours": "Senin–Jumat 08.00–16.00 WIB",
        "phone": "(0271) 555-0180",
        "website": "https://ecourt.mahkamahagung.go.id",
        "how": "Gugatan didaftarkan di pengadilan (juga lewat e-Court); akta cerai kemudian "
        "dicatat di Disdukcapil.",
    },
    {
        "slug": "nikah",
        "name": "Pencatatan nikah",
        "aliases": ["nikah", "kua", "buku nikah", "daftar nikah", "pernikahan"],
        "office": "Kantor Urusan Agama (KUA) kecamatan; non-Muslim di Disdukcapil",
        "address": "KUA di kecamatan tempat tinggal calon pengantin",
        "hours": "Senin–Jumat 08.00–15.00 WIB",
        "phone": "(0271) 555-0190",
        "website": "https://simkah4.kemenag.go.id",
        "how": "Daftar paling lambat 10 hari kerja sebelum akad lewat SIMKAH atau di KUA, "
        "dengan surat pengantar kelurahan (N1–N4), KTP-el, KK dan akta kelahiran.",
    },
]
