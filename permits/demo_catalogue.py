"""The demo catalogue of a fictional kabupaten DPMPTSP ("Kabupaten Sukamaju").

Requirement lists, SLAs and legal bases follow what Indonesian PTSP offices
publish; fees follow the common pattern: most local permits are free, PBG pays a
retribution by floor area and building function, billboards pay by size.
"""

from __future__ import annotations

from typing import Any

AGENCIES: list[dict[str, str]] = [
    {
        "slug": "dpmptsp",
        "short_name": "DPMPTSP",
        "name": "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
    },
    {
        "slug": "dinas_pupr",
        "short_name": "Dinas PUPR",
        "name": "Dinas Pekerjaan Umum dan Penataan Ruang",
    },
    {"slug": "dinkes", "short_name": "Dinas Kesehatan", "name": "Dinas Kesehatan"},
    {"slug": "dishub", "short_name": "Dinas Perhubungan", "name": "Dinas Perhubungan"},
    {"slug": "dlh", "short_name": "DLH", "name": "Dinas Lingkungan Hidup"},
    {"slug": "disdik", "short_name": "Dinas Pendidikan", "name": "Dinas Pendidikan"},
    {"slug": "disparbud", "short_name": "Disparbud", "name": "Dinas Pariwisata dan Kebudayaan"},
    {"slug": "bapenda", "short_name": "Bapenda", "name": "Badan Pendapatan Daerah"},
]

_KTP = "Fotokopi KTP pemohon"
_NPWP = "Fotokopi NPWP"
_NIB = "NIB (Nomor Induk Berusaha) dari OSS"
_ONLINE = "Ajukan permohonan secara online melalui portal perizinan dan unggah dokumen"
_VERIFY = "Verifikasi administrasi oleh petugas DPMPTSP"
_ISSUE = "Izin terbit dan dapat diunduh di portal perizinan"

PERMIT_TYPES: list[dict[str, Any]] = [
    {
        "slug": "pbg",
        "name": "Persetujuan Bangunan Gedung (PBG)",
        "agency": "dinas_pupr",
        "aliases": [
            "IMB",
            "izin mendirikan bangunan",
            "izin bangunan",
            "izin bangun rumah",
            "persetujuan bangunan gedung",
            "SIMBG",
        ],
        "keywords": [
            "bangun",
            "membangun",
            "bangunan",
            "rumah",
            "ruko",
            "gedung",
            "renovasi",
            "rehab",
            "pagar",
            "lantai",
            "tingkat",
            "konstruksi",
        ],
        "requirements": [
            _KTP,
            "Bukti kepemilikan tanah (sertifikat atau akta jual beli)",
            "Gambar arsitektur, struktur dan utilitas bangunan",
            "Perhitungan struktur untuk bangunan lebih dari 2 lantai",
            "Dokumen KKPR / KRK (Keterangan Rencana Kota)",
            "Bukti pembayaran PBB tahun berjalan",
        ],
        "procedure": [
            "Daftar akun dan ajukan permohonan di SIMBG (simbg.pu.go.id)",
            "Pemeriksaan dokumen teknis oleh Tim Profesi Ahli (TPA)",
            "Konsultasi dan penilaian teknis di Dinas PUPR",
            "Perhitungan dan pembayaran retribusi PBG",
            "PBG terbit dan dapat diunduh di SIMBG",
        ],
        "fee_rule": {"kind": "pbg_retribution", "unit_cost": 2500000, "coefficient": 0.8},
        "sla_days": 28,
        "legal_basis": "PP Nomor 16 Tahun 2021 tentang Bangunan Gedung",
    },
    {
        "slug": "slf",
        "name": "Sertifikat Laik Fungsi (SLF)",
        "agency": "dinas_pupr",
        "aliases": ["sertifikat laik fungsi", "laik fungsi"],
        "keywords": [
            "laik fungsi",
            "kelaikan",
            "bangunan",
            "gedung",
            "hunian",
            "operasional gedung",
        ],
        "requirements": [
            _KTP,
            "Salinan PBG/IMB bangunan",
            "Laporan pemeriksaan kelaikan fungsi bangunan oleh pengkaji teknis",
            "Gambar terbangun (as built drawing)",
            "Surat pernyataan kelaikan fungsi",
        ],
        "procedure": [
            "Ajukan permohonan SLF di SIMBG",
            "Pemeriksaan kelaikan oleh Dinas PUPR",
            "Survei lapangan",
            "SLF terbit di SIMBG",
        ],
        "fee_rule": {"kind": "free"},
        "sla_days": 3,
        "legal_basis": "PP Nomor 16 Tahun 2021 tentang Bangunan Gedung",
    },
    {
        "slug": "nib",
        "name": "Nomor Induk Berusaha (NIB)",
        "agency": "dpmptsp",
        "aliases": [
            "SIUP",
            "TDP",
            "izin usaha",
            "OSS",
            "nomor induk berusaha",
            "surat izin usaha perdagangan",
        ],
        "keywords": [
            "usaha",
            "dagang",
            "toko",
            "warung",
            "umkm",
            "perusahaan",
            "cv",
            "pt",
            "oss",
            "kbli",
            "jualan",
            "kios",
            "bisnis",
        ],
        "requirements": [
            "NIK (KTP elektronik) pemilik atau penanggung jawab",
            "Alamat email dan nomor HP aktif",
            "Akta pendirian dan SK Kemenkumham (untuk badan usaha)",
            _NPWP,
            "Kode KBLI kegiatan usaha",
        ],
        "procedure": [
            "Buat akun di oss.go.id",
            "Isi data usaha dan pilih KBLI",
            "Setujui pernyataan mandiri",
            "NIB terbit otomatis di OSS",
        ],
        "fee_rule": {"kind": "free"},
        "sla_days": 1,
        "legal_basis": "PP Nomor 28 Tahun 2025 tentang Penyelenggaraan Perizinan Berusaha "
        "Berbasis Risiko",
    },
    {
        "slug": "reklame",
        "name": "Izin Penyelenggaraan Reklame",
        "agency": "bapenda",
        "aliases": ["reklame", "baliho", "papan iklan", "billboard", "spanduk"],
        "keywords": [
            "iklan",
            "baliho",
            "spanduk",
            "papan nama",
            "billboard",
            "neon box",
            "umbul-umbul",
            "videotron",
            "promosi",
        ],
        "requirements": [
            _KTP,
            _NPWP,
            "Desain/visual reklame dan ukurannya",
            "Foto lokasi dan titik koordinat pemasangan",
            "Surat izin pemilik lahan/bangunan tempat pemasangan",
        ],
        "procedure": [
            _ONLINE,
            "Survei titik reklame oleh tim teknis",
            "Penetapan dan pembayaran pajak reklame di Bapenda",
            _ISSUE,
        ],
        "fee_rule": {
            "kind": "table",
            "rows": [
                {"label": "spanduk/umbul-umbul per minggu", "amount": 25000},
                {"label": "baliho sampai 12 m² per tahun", "amount": 1800000},
                {"label": "billboard di atas 12 m² per tahun", "amount": 4500000},
            ],
            "note": "Pajak reklame ditetapkan Bapenda sesuai ukuran, lokasi dan lama tayang.",
        },
        "sla_days": 5,
        "legal_basis": "Peraturan Daerah tentang Pajak dan Retribusi Daerah",
    },
    {
        "slug": "sip_dokter",
        "name": "Surat Izin Praktik Dokter (SIP Dokter)",
        "agency": "dinkes",
        "aliases": ["SIP dokter", "izin praktek dokter", "izin praktik dokter", "SIP dr"],
        "keywords": ["dokter", "praktik", "praktek", "kesehatan", "medis"],
        "requirements": [
            _KTP,
            "STR (Surat Tanda Registrasi) yang masih berlaku",
            "Rekomendasi IDI cabang setempat",
            "Surat keterangan dari fasilitas pelayanan kesehatan tempat praktik",
            "Pas foto berwarna 4x6 (2 lembar)",
        ],
        "procedure": [_ONLINE, _VERIFY, "Verifikasi teknis oleh Dinas Kesehatan", _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 5,
        "legal_basis": "UU Nomor 17 Tahun 2023 tentang Kesehatan; Permenkes Nomor 2052 Tahun 2011",
    },
    {
        "slug": "sip_bidan",
        "name": "Surat Izin Praktik Bidan (SIPB)",
        "agency": "dinkes",
        "aliases": ["SIPB", "izin praktek bidan", "izin bidan"],
        "keywords": ["bidan", "kebidanan", "persalinan", "praktik", "praktek", "kesehatan"],
        "requirements": [
            _KTP,
            "STR Bidan yang masih berlaku",
            "Rekomendasi IBI cabang",
            "Surat keterangan tempat praktik",
            "Pas foto berwarna 4x6 (2 lembar)",
        ],
        "procedure": [_ONLINE, _VERIFY, "Verifikasi teknis oleh Dinas Kesehatan", _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 5,
        "legal_basis": (
            "Permenkes Nomor 28 Tahun 2017 tentang Izin dan Penyelenggaraan Praktik Bidan"
        ),
    },
    {
        "slug": "sip_perawat",
        "name": "Surat Izin Praktik Perawat (SIPP)",
        "agency": "dinkes",
        "aliases": ["SIPP", "izin praktek perawat", "izin perawat"],
        "keywords": ["perawat", "keperawatan", "homecare", "praktik", "praktek", "kesehatan"],
        "requirements": [
            _KTP,
            "STR Perawat yang masih berlaku",
            "Rekomendasi PPNI",
            "Surat keterangan tempat praktik",
            "Pas foto berwarna 4x6 (2 lembar)",
        ],
        "procedure": [_ONLINE, _VERIFY, "Verifikasi teknis oleh Dinas Kesehatan", _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 5,
        "legal_basis": "Permenkes Nomor 26 Tahun 2019",
    },
    {
        "slug": "sipa",
        "name": "Surat Izin Praktik Apoteker (SIPA)",
        "agency": "dinkes",
        "aliases": ["SIPA", "izin praktek apoteker", "izin apoteker"],
        "keywords": ["apoteker", "farmasi", "praktik", "praktek", "kesehatan"],
        "requirements": [
            _KTP,
            "STR Apoteker yang masih berlaku",
            "Rekomendasi IAI cabang",
            "Surat persetujuan dari pimpinan apotek/fasilitas kefarmasian",
            "Pas foto berwarna 4x6 (2 lembar)",
        ],
        "procedure": [_ONLINE, _VERIFY, "Verifikasi teknis oleh Dinas Kesehatan", _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 5,
        "legal_basis": "PP Nomor 51 Tahun 2009 tentang Pekerjaan Kefarmasian",
    },
    {
        "slug": "izin_apotek",
        "name": "Izin Apotek",
        "agency": "dinkes",
        "aliases": ["izin apotik", "SIA", "surat izin apotek", "buka apotek"],
        "keywords": ["apotek", "obat", "farmasi", "toko obat", "kesehatan"],
        "requirements": [
            _NIB,
            "SIPA apoteker penanggung jawab",
            "Denah bangunan apotek",
            "Daftar sarana, prasarana dan peralatan",
            "Daftar tenaga kefarmasian",
        ],
        "procedure": [_ONLINE, _VERIFY, "Pemeriksaan lapangan oleh Dinas Kesehatan", _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 12,
        "legal_basis": "Permenkes Nomor 9 Tahun 2017 tentang Apotek",
    },
    {
        "slug": "izin_klinik",
        "name": "Izin Operasional Klinik",
        "agency": "dinkes",
        "aliases": ["izin klinik", "klinik pratama", "klinik utama", "buka klinik"],
        "keywords": ["klinik", "pratama", "balai pengobatan", "kesehatan", "medis"],
        "requirements": [
            _NIB,
            "Profil klinik dan struktur organisasi",
            "Daftar tenaga kesehatan beserta STR dan SIP",
            "Denah dan daftar sarana prasarana",
            "Dokumen lingkungan (SPPL/UKL-UPL)",
        ],
        "procedure": [_ONLINE, _VERIFY, "Visitasi dan penilaian oleh Dinas Kesehatan", _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 14,
        "legal_basis": "Permenkes Nomor 14 Tahun 2021",
    },
    {
        "slug": "tdup",
        "name": "Tanda Daftar Usaha Pariwisata (TDUP)",
        "agency": "disparbud",
        "aliases": [
            "TDUP",
            "usaha pariwisata",
            "izin hotel",
            "izin homestay",
            "izin karaoke",
            "izin restoran",
        ],
        "keywords": [
            "wisata",
            "pariwisata",
            "hotel",
            "homestay",
            "penginapan",
            "restoran",
            "rumah makan",
            "kafe",
            "villa",
            "karaoke",
        ],
        "requirements": [
            _NIB,
            _KTP,
            "Akta pendirian (untuk badan usaha)",
            "Surat pernyataan kesanggupan memenuhi standar usaha pariwisata",
        ],
        "procedure": [_ONLINE, _VERIFY, "Verifikasi oleh Dinas Pariwisata", _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 3,
        "legal_basis": "Permenparekraf Nomor 4 Tahun 2021",
    },
    {
        "slug": "izin_penelitian",
        "name": "Surat Keterangan Penelitian",
        "agency": "dpmptsp",
        "aliases": ["izin penelitian", "izin riset", "izin survei", "surat izin penelitian", "SKP"],
        "keywords": [
            "penelitian",
            "riset",
            "skripsi",
            "tesis",
            "disertasi",
            "survei",
            "observasi",
            "pengambilan data",
        ],
        "requirements": [
            _KTP,
            "Surat pengantar dari perguruan tinggi/lembaga",
            "Proposal penelitian",
            "Jadwal dan lokasi penelitian",
        ],
        "procedure": [_ONLINE, _VERIFY, _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 3,
        "legal_basis": "Permendagri Nomor 3 Tahun 2018",
    },
    {
        "slug": "pkkpr",
        "name": "Persetujuan Kesesuaian Kegiatan Pemanfaatan Ruang (PKKPR)",
        "agency": "dinas_pupr",
        "aliases": [
            "KKPR",
            "izin lokasi",
            "KRK",
            "keterangan rencana kota",
            "kesesuaian ruang",
            "tata ruang",
        ],
        "keywords": ["tata ruang", "ruang", "lokasi", "lahan", "zonasi", "kkpr"],
        "requirements": [
            _NIB,
            "Koordinat lokasi dan luas lahan",
            "Rencana teknis kegiatan",
            "Bukti penguasaan tanah",
        ],
        "procedure": [
            "Ajukan permohonan PKKPR di OSS",
            "Penilaian dokumen usulan kegiatan oleh Dinas PUPR",
            "Rapat Forum Penataan Ruang",
            "PKKPR terbit di OSS",
        ],
        "fee_rule": {"kind": "free"},
        "sla_days": 20,
        "legal_basis": "PP Nomor 21 Tahun 2021 tentang Penyelenggaraan Penataan Ruang",
    },
    {
        "slug": "izin_trayek",
        "name": "Izin Penyelenggaraan Angkutan (Izin Trayek)",
        "agency": "dishub",
        "aliases": [
            "izin trayek",
            "trayek angkot",
            "izin angkutan",
            "izin angkot",
            "kartu pengawasan",
        ],
        "keywords": [
            "angkutan",
            "angkot",
            "bus",
            "trayek",
            "taksi",
            "travel",
            "kendaraan umum",
            "transportasi",
        ],
        "requirements": [
            _NIB,
            "STNK dan BPKB kendaraan",
            "Bukti lulus uji berkala (KIR)",
            "Surat pernyataan kesanggupan memenuhi standar pelayanan",
            "Bukti memiliki pool/garasi",
        ],
        "procedure": [_ONLINE, _VERIFY, "Pemeriksaan kendaraan oleh Dinas Perhubungan", _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 10,
        "legal_basis": "Permenhub Nomor PM 15 Tahun 2019",
    },
    {
        "slug": "persetujuan_lingkungan",
        "name": "Persetujuan Lingkungan",
        "agency": "dlh",
        "aliases": ["AMDAL", "UKL-UPL", "UKL UPL", "SPPL", "izin lingkungan", "dokumen lingkungan"],
        "keywords": ["amdal", "lingkungan", "limbah", "ukl-upl", "sppl", "pencemaran"],
        "requirements": [
            _NIB,
            "Dokumen lingkungan sesuai risiko (AMDAL, UKL-UPL atau SPPL)",
            "PKKPR atau kesesuaian tata ruang",
            "Peta lokasi kegiatan",
        ],
        "procedure": [
            "Ajukan melalui Amdalnet / OSS",
            "Pemeriksaan formulir dan dokumen oleh Dinas Lingkungan Hidup",
            "Rapat uji kelayakan (untuk AMDAL)",
            "Persetujuan Lingkungan terbit",
        ],
        "fee_rule": {"kind": "free"},
        "sla_days": 30,
        "legal_basis": "PP Nomor 22 Tahun 2021 tentang Penyelenggaraan Perlindungan dan "
        "Pengelolaan Lingkungan Hidup",
    },
    {
        "slug": "izin_operasional_sekolah",
        "name": "Izin Operasional Satuan Pendidikan",
        "agency": "disdik",
        "aliases": [
            "izin operasional sekolah",
            "izin sekolah",
            "izin PAUD",
            "izin TK",
            "izin pendirian sekolah",
        ],
        "keywords": [
            "sekolah",
            "pendidikan",
            "paud",
            "tk",
            "sd",
            "smp",
            "sma",
            "smk",
            "bimbel",
            "kursus",
            "yayasan",
        ],
        "requirements": [
            "Akta pendirian yayasan dan SK Kemenkumham",
            "Bukti kepemilikan/sewa lahan dan bangunan",
            "Kurikulum dan data pendidik",
            "Rekomendasi dari Dinas Pendidikan",
        ],
        "procedure": [_ONLINE, _VERIFY, "Visitasi oleh Dinas Pendidikan", _ISSUE],
        "fee_rule": {"kind": "free"},
        "sla_days": 14,
        "legal_basis": "Permendikbud Nomor 36 Tahun 2014",
    },
]

# The demo office's address ({alamat_kantor} in the texts), set when the demo is loaded.
DEMO_ADDRESS = "Mal Pelayanan Publik Sukamaju, Jl. Merdeka No. 1"

FAQ_TOPICS: list[dict[str, Any]] = [
    {
        "slug": "jam_layanan",
        "title": "Jam layanan",
        # {jam_layanan}: the hours kept on the office settings page (permits.office_profile)
        "answer": "Loket DPMPTSP Kabupaten Sukamaju buka {jam_layanan}. Permohonan online bisa "
        "diajukan 24 jam.",
        "examples": ["jam buka kantor", "jam layanan ptsp", "buka hari sabtu ga"],
    },
    {
        "slug": "lokasi",
        "title": "Lokasi kantor",
        "answer": "Kantor DPMPTSP berada di lantai 2 {alamat_kantor}. Parkir tersedia di basement.",
        "examples": ["alamat kantor ptsp", "kantornya dimana"],
    },
    {
        "slug": "kontak",
        "title": "Kontak",
        "answer": "Hubungi Tanya PTSP di call center 1500164 (telepon, video call, live chat) "
        "atau email dpmptsp@sukamajukab.go.id.",
        "examples": ["nomor call center", "kontak ptsp"],
    },
    {
        "slug": "akun",
        "title": "Akun portal",
        "answer": "Daftar akun di portal perizinan dengan NIK dan email aktif. Lupa kata sandi? "
        "Klik 'Lupa kata sandi' di halaman masuk; tautan reset dikirim ke email Anda.",
        "examples": ["cara daftar akun", "lupa password"],
    },
    {
        "slug": "jenis_layanan",
        "title": "Jenis layanan",
        "answer": "Kami melayani perizinan bangunan (PBG, SLF), usaha (NIB, reklame, TDUP), "
        "kesehatan (SIP dokter, bidan, perawat, apoteker, apotek, klinik), lingkungan, "
        "tata ruang (PKKPR), trayek, penelitian dan izin operasional sekolah.",
        "examples": ["izin apa saja yang dilayani", "layanan apa aja"],
    },
    {
        "slug": "antrian",
        "title": "Antrian",
        "answer": "Ambil nomor antrian online di portal perizinan paling lambat H-1, atau di "
        "mesin antrian lobi Mal Pelayanan Publik. Kuota loket 200 antrian per hari.",
        "examples": ["cara ambil antrian", "nomor antrian"],
    },
    {
        "slug": "lkpm",
        "title": "Laporan LKPM",
        "answer": "LKPM (Laporan Kegiatan Penanaman Modal) wajib dilaporkan setiap pelaku usaha "
        "yang punya NIB, kecuali usaha mikro, lewat menu Laporan di oss.go.id. Batasnya tanggal "
        "10 bulan pertama triwulan berikutnya (10 April, 10 Juli, 10 Oktober, 10 Januari); usaha "
        "kecil melapor per semester. Belum melapor dapat dikenai peringatan tertulis sampai "
        "pembekuan izin. Butuh bantuan mengisi? Datang ke meja konsultasi investasi DPMPTSP.",
        "examples": ["cara lapor lkpm", "batas waktu lkpm"],
    },
]

# Stage route of an application: (stage name, agency slug or None for the permit's own).
STAGES: list[tuple[str, str | None]] = [
    ("Verifikasi administrasi", "dpmptsp"),
    ("Verifikasi teknis", None),
    ("Survei lapangan", None),
    ("Penerbitan izin", "dpmptsp"),
]
