"""The demo catalogue's permit lifecycle: how long each permit holds, and how renewing
(perpanjangan), changing (perubahan) or replacing (penggantian) it differs from a new
application.

Plain data, loaded by `permits.demo`. VARIANTS holds, per permit slug and action, the
fields of a `PermitVariant` row; a fact left out (None) is the new application's, so
only what really differs is written. Facts follow published practice: PP 16/2021
(PBG, SLF), PP 28/2025 (NIB via OSS RBA), UU 17/2023 (SIP 5 years, renewed with STR,
place of practice and SKP), the permit regulations cited in `demo_catalogue`.
"""

from __future__ import annotations

from typing import Any

_KTP = "Fotokopi KTP pemohon"
_NPWP = "Fotokopi NPWP"
_NIB = "NIB (Nomor Induk Berusaha) dari OSS"
_LOST = "Surat keterangan kehilangan dari Kepolisian (jika hilang) atau izin asli yang rusak"
_PHOTO = "Pas foto berwarna 4x6 (2 lembar)"
_REPLACEMENT_STEPS = [
    "Ajukan permohonan penggantian secara online melalui portal perizinan dan unggah dokumen",
    "Pencocokan dengan arsip izin oleh petugas DPMPTSP",
    "Izin pengganti terbit dan dapat diunduh di portal perizinan",
]
_SAME_TERM = "Izin pengganti berlaku sampai tanggal yang sama dengan izin yang diganti."

# slug → (whole years or None, what the validity follows). The note is a phrase the
# bot puts after "berlaku": "berlaku 5 tahun (selama STR berlaku …)", "berlaku selama
# menjalankan usaha"; with years it never repeats them.
VALIDITY: dict[str, tuple[int | None, str]] = {
    "pbg": (
        None,
        "selama bangunan tidak diubah (fungsi, bentuk, ketinggian, luas dan tampak sesuai "
        "PBG); tidak perlu diperpanjang",
    ),
    "slf": (
        5,
        "untuk bangunan gedung umum; 20 tahun untuk rumah tinggal tunggal dan rumah deret; "
        "diperpanjang dengan pengkajian teknis",
    ),
    "nib": (None, "selama menjalankan usaha; tidak perlu diperpanjang"),
    "reklame": (
        None,
        "sesuai masa penayangan yang tercantum pada izin (reklame tetap umumnya 1 tahun, "
        "reklame insidentil per hari, minggu atau bulan)",
    ),
    "sip_dokter": (5, "selama STR berlaku dan tempat praktik sesuai dengan SIP"),
    "sip_bidan": (5, "selama STR berlaku dan tempat praktik sesuai dengan SIPB"),
    "sip_perawat": (5, "selama STR berlaku dan tempat praktik sesuai dengan SIPP"),
    "sipa": (5, "selama STR berlaku dan tempat praktik sesuai dengan SIPA"),
    "izin_apotek": (
        5,
        "mengikuti SIPA apoteker penanggung jawab; bila SIPA tidak berlaku lagi atau "
        "apoteker penanggung jawab berganti, izin apotek harus diubah",
    ),
    "izin_klinik": (5, "dan dapat diperpanjang selama klinik memenuhi persyaratan"),
    "tdup": (None, "selama usaha pariwisata berjalan; tidak perlu diperpanjang"),
    "izin_penelitian": (
        None,
        "sesuai jangka waktu penelitian yang tercantum dalam surat keterangan penelitian",
    ),
    "pkkpr": (3, "sejak terbit, sebagai dasar perolehan tanah dan perizinan berusaha berikutnya"),
    "izin_trayek": (5, "selama itu setiap kendaraan wajib lulus uji berkala (KIR) tiap 6 bulan"),
    "persetujuan_lingkungan": (
        None,
        "selama usaha atau kegiatan berjalan tanpa perubahan; berakhir bersama perizinan "
        "berusahanya",
    ),
    "izin_operasional_sekolah": (
        5,
        "dan dapat diperpanjang selama satuan pendidikan memenuhi standar",
    ),
}


def _replacement(document: str, first: str = _KTP, **facts: Any) -> dict[str, Any]:
    """Replacing a lost or damaged permit: the old one (or the police report) instead
    of the technical documents, a short archive check instead of the technical review."""
    return {
        "requirements": [first, _LOST, f"Fotokopi {document} (jika ada)"],
        "procedure": list(_REPLACEMENT_STEPS),
        "sla_days": 3,
        "note": _SAME_TERM,
    } | facts


def _practice_permit(short: str, registration: str, organisation: str) -> dict[str, Any]:
    """The four practice permits (SIP, SIPB, SIPP, SIPA) share their lifecycle: UU 17/2023
    renews them every 5 years with the STR, the place of practice and enough SKP, and
    they hold only for the place of practice they name."""
    return {
        "perpanjangan": {
            "requirements": [
                _KTP,
                f"{short} lama (asli)",
                f"{registration} yang masih berlaku",
                f"Rekomendasi {organisation} yang baru",
                "Bukti pemenuhan kecukupan SKP (Satuan Kredit Profesi)",
                "Surat keterangan dari fasilitas pelayanan kesehatan tempat praktik",
                _PHOTO,
            ],
            "note": f"Ajukan sebelum {short} habis masa berlakunya, untuk tempat praktik yang "
            f"sama. {short} yang sudah habis tidak boleh dipakai praktik sampai {short} "
            "perpanjangan terbit.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                f"{short} lama (asli)",
                "Dokumen yang membuktikan perubahan (misalnya surat keterangan fasilitas "
                "pelayanan kesehatan dengan nama atau alamat barunya)",
            ],
            "note": f"Untuk perubahan data di tempat praktik yang sama (nama, gelar, nama "
            f"fasilitas pelayanan kesehatan). {short} hanya berlaku di tempat praktik yang "
            f"tercantum: pindah atau menambah tempat praktik memerlukan {short} baru.",
        },
        "penggantian": _replacement(
            short,
            requirements=[_KTP, _LOST, f"Fotokopi {short} (jika ada)", f"Fotokopi {registration}"],
        ),
    }


VARIANTS: dict[str, dict[str, dict[str, Any]]] = {
    "pbg": {
        "perpanjangan": {
            "offered": False,
            "note": "PBG tidak diperpanjang: PBG berlaku selama bangunan tidak diubah. Yang "
            "diperpanjang adalah SLF (Sertifikat Laik Fungsi): setiap 5 tahun untuk bangunan "
            "gedung umum dan 20 tahun untuk rumah tinggal tunggal dan rumah deret.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                "PBG atau IMB lama",
                "Bukti kepemilikan tanah (sertifikat atau akta jual beli)",
                "Gambar rencana perubahan: arsitektur, struktur dan utilitas",
                "Perhitungan struktur bila perubahan menambah lantai atau beban bangunan",
                "Dokumen KKPR / KRK bila fungsi bangunan berubah",
            ],
            "procedure": [
                "Ajukan permohonan PBG perubahan di SIMBG (simbg.pu.go.id) dengan nomor "
                "PBG/IMB lama",
                "Pemeriksaan rencana perubahan oleh Tim Profesi Ahli (TPA)",
                "Konsultasi dan penilaian teknis di Dinas PUPR",
                "Perhitungan dan pembayaran retribusi PBG",
                "PBG perubahan terbit dan dapat diunduh di SIMBG",
            ],
            "note": "PBG perubahan wajib bila fungsi, bentuk, ketinggian, luas atau tampak "
            "bangunan diubah, termasuk renovasi besar dan penambahan lantai. Retribusi dihitung "
            "dengan rumus yang sama atas luas lantai yang diubah atau ditambah.",
        },
        "penggantian": _replacement(
            "PBG/IMB",
            requirements=[_KTP, _LOST, "Fotokopi PBG/IMB (jika ada) atau nomor registrasi PBG"],
            procedure=[
                "Ajukan permohonan salinan PBG/IMB ke Dinas PUPR melalui portal perizinan",
                "Pencocokan dengan arsip PBG/IMB di Dinas PUPR",
                "Salinan PBG/IMB terbit",
            ],
            fee_rule={"kind": "free"},
            sla_days=5,
            note="PBG yang terbit lewat SIMBG dapat diunduh ulang dari akun SIMBG pemilik; "
            "salinan dari arsip diperlukan untuk IMB lama atau bila akun tidak bisa dibuka.",
        ),
    },
    "slf": {
        "perpanjangan": {
            "requirements": [
                _KTP,
                "SLF lama",
                "Salinan PBG/IMB bangunan",
                "Laporan pengkajian teknis kelaikan fungsi oleh pengkaji teknis terdaftar",
                "Surat pernyataan kelaikan fungsi dari pengkaji teknis",
                "Catatan pemeliharaan dan perawatan bangunan selama masa SLF lama",
            ],
            "procedure": [
                "Pemilik menunjuk pengkaji teknis terdaftar untuk memeriksa kelaikan fungsi "
                "bangunan",
                "Ajukan perpanjangan SLF di SIMBG dan unggah laporan pengkajian teknis",
                "Pemeriksaan dokumen oleh Dinas PUPR",
                "SLF perpanjangan terbit di SIMBG",
            ],
            "note": "Ajukan paling lambat 60 hari kalender sebelum masa berlaku SLF berakhir. "
            "Jasa pengkaji teknis dibayar pemilik kepada penyedia jasa, bukan kepada pemerintah; "
            "untuk rumah tinggal sederhana pemeriksaan dapat dilakukan Dinas PUPR.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                "SLF lama",
                "Bukti peralihan hak atas bangunan (sertifikat atau akta jual beli)",
            ],
            "note": "Untuk perubahan data pemilik. Bila bangunannya diubah, ajukan dulu PBG "
            "perubahan; SLF baru terbit setelah pemeriksaan kelaikan fungsi bangunan yang diubah.",
        },
        "penggantian": _replacement(
            "SLF",
            note="SLF yang terbit lewat SIMBG dapat diunduh ulang dari akun SIMBG pemilik. "
            + _SAME_TERM,
        ),
    },
    "nib": {
        "perpanjangan": {
            "offered": False,
            "note": "NIB tidak perlu diperpanjang: berlaku selama menjalankan usaha. Bila data "
            "usaha berubah, perbarui data di OSS (perubahan NIB).",
        },
        "perubahan": {
            "requirements": [
                "Akun OSS (hak akses) pelaku usaha",
                "Data baru yang akan diubah (alamat, KBLI, modal, tenaga kerja, pengurus)",
                "Akta perubahan dan SK Kemenkumham (untuk badan usaha yang mengubah anggaran "
                "dasar atau pengurus)",
            ],
            "procedure": [
                "Masuk ke oss.go.id dengan akun pelaku usaha",
                "Pilih menu Perizinan Berusaha, lalu Perubahan",
                "Ubah data usaha dan setujui pernyataan mandiri",
                "NIB dengan data terbaru terbit otomatis di OSS",
            ],
            "note": "Gratis dan dilakukan sendiri melalui OSS RBA; nomor NIB tetap sama.",
        },
        "penggantian": {
            "requirements": ["Akun OSS (hak akses) pelaku usaha"],
            "procedure": [
                "Masuk ke oss.go.id dengan akun pelaku usaha",
                "Unduh ulang dokumen NIB di menu Perizinan Berusaha",
            ],
            "note": "NIB tidak dicetak ulang oleh kantor: dokumennya dapat diunduh kembali kapan "
            "saja dari akun OSS. Lupa akun? Gunakan fitur lupa kata sandi di OSS atau datang ke "
            "meja bantuan OSS di DPMPTSP.",
        },
    },
    "reklame": {
        "perpanjangan": {
            "requirements": [
                _KTP,
                _NPWP,
                "Izin reklame lama dan bukti pembayaran pajak reklame sebelumnya",
                "Foto reklame terpasang terbaru",
                "Surat izin pemilik lahan/bangunan yang masih berlaku",
            ],
            "procedure": [
                "Ajukan perpanjangan melalui portal perizinan sebelum masa tayang berakhir",
                "Pemeriksaan kondisi reklame oleh tim teknis",
                "Penetapan dan pembayaran pajak reklame untuk masa tayang baru di Bapenda",
                "Izin perpanjangan terbit dan dapat diunduh di portal perizinan",
            ],
            "note": "Perpanjangan berarti membayar pajak reklame lagi untuk masa tayang "
            "berikutnya. Reklame yang habis masa tayangnya dan tidak diperpanjang wajib dibongkar "
            "oleh penyelenggaranya.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                "Izin reklame yang masih berlaku",
                "Desain/visual reklame yang baru",
            ],
            "note": "Untuk mengganti materi atau naskah reklame di titik dan ukuran yang sama. "
            "Pindah lokasi atau ukuran berubah diajukan sebagai permohonan baru.",
        },
        "penggantian": _replacement(
            "izin reklame dan bukti bayar pajak reklame", fee_rule={"kind": "free"}
        ),
    },
    "sip_dokter": _practice_permit("SIP", "STR", "IDI cabang"),
    "sip_bidan": _practice_permit("SIPB", "STR Bidan", "IBI cabang"),
    "sip_perawat": _practice_permit("SIPP", "STR Perawat", "PPNI"),
    "sipa": _practice_permit("SIPA", "STR Apoteker", "IAI cabang"),
    "izin_apotek": {
        "perpanjangan": {
            "requirements": [
                _NIB,
                "Izin apotek lama (asli)",
                "SIPA apoteker penanggung jawab yang masih berlaku",
                "Daftar sarana, prasarana dan peralatan terbaru",
                "Daftar tenaga kefarmasian beserta SIPA/SIPTTK",
            ],
            "note": "Ajukan sebelum masa berlaku berakhir. Izin apotek hanya berlaku selama SIPA "
            "apoteker penanggung jawab berlaku.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "Izin apotek lama (asli)",
                "Dokumen perubahan: SIPA apoteker penanggung jawab pengganti, akta perubahan "
                "atau denah baru, sesuai yang diubah",
            ],
            "note": "Untuk pergantian apoteker penanggung jawab, perubahan nama apotek atau "
            "pemilik modal, dan perubahan denah di lokasi yang sama. Pindah ke lokasi lain "
            "diajukan sebagai izin baru.",
        },
        "penggantian": _replacement("izin apotek", first=_NIB),
    },
    "izin_klinik": {
        "perpanjangan": {
            "requirements": [
                _NIB,
                "Izin operasional klinik lama",
                "Profil klinik terbaru",
                "Daftar tenaga kesehatan beserta STR dan SIP yang masih berlaku",
                "Sertifikat akreditasi klinik (bagi klinik yang sudah wajib akreditasi)",
                "Dokumen lingkungan (SPPL/UKL-UPL)",
            ],
            "note": "Ajukan sebelum masa berlaku berakhir; Dinas Kesehatan melakukan visitasi "
            "ulang.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "Izin operasional klinik lama",
                "Dokumen perubahan (penanggung jawab, nama klinik, jenis pelayanan atau "
                "kepemilikan)",
            ],
            "note": "Untuk pergantian penanggung jawab, perubahan nama, jenis pelayanan atau "
            "kepemilikan klinik. Pindah alamat diajukan sebagai izin baru.",
        },
        "penggantian": _replacement("izin operasional klinik", first=_NIB),
    },
    "tdup": {
        "perpanjangan": {
            "offered": False,
            "note": "TDUP tidak perlu diperpanjang: berlaku selama usaha pariwisata berjalan. "
            "Bila data usaha berubah, ajukan perubahan TDUP.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "TDUP lama",
                "Dokumen perubahan (akta perubahan, alamat atau jenis usaha yang baru)",
            ],
            "note": "Untuk perubahan nama usaha, pengelola, alamat atau jenis usaha pariwisata. "
            "Perbarui juga data NIB di OSS bila berubah.",
        },
        "penggantian": _replacement("TDUP"),
    },
    "izin_penelitian": {
        "perpanjangan": {
            "requirements": [
                _KTP,
                "Surat keterangan penelitian lama",
                "Surat pengantar perpanjangan dari perguruan tinggi/lembaga",
                "Jadwal penelitian yang baru",
            ],
            "note": "Bila penelitian belum selesai. Ajukan sebelum masa berlaku surat "
            "keterangan penelitian berakhir.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                "Surat keterangan penelitian lama",
                "Surat pengantar dari perguruan tinggi/lembaga yang menyebut perubahannya",
                "Proposal atau jadwal penelitian yang diperbarui",
            ],
            "note": "Untuk perubahan judul, lokasi, anggota tim atau jadwal penelitian.",
        },
        "penggantian": _replacement("surat keterangan penelitian"),
    },
    "pkkpr": {
        "perpanjangan": {
            "offered": False,
            "note": "PKKPR tidak diperpanjang: bila dalam 3 tahun kegiatan belum dimulai, "
            "ajukan PKKPR baru di OSS.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "PKKPR lama",
                "Koordinat dan luas lahan yang diubah",
                "Rencana teknis kegiatan yang diubah",
            ],
            "note": "Untuk perubahan luas lahan atau rencana kegiatan di lokasi yang sama, "
            "diajukan di OSS. Lokasi lain memerlukan PKKPR baru.",
        },
        "penggantian": {
            "requirements": ["Akun OSS (hak akses) pelaku usaha"],
            "procedure": ["Masuk ke oss.go.id", "Unduh ulang dokumen PKKPR"],
            "sla_days": 1,
            "note": "PKKPR terbit di OSS: dokumennya dapat diunduh kembali kapan saja dari akun "
            "OSS.",
        },
    },
    "izin_trayek": {
        "perpanjangan": {
            "requirements": [
                _NIB,
                "Izin penyelenggaraan angkutan lama dan kartu pengawasan",
                "STNK kendaraan yang masih berlaku",
                "Bukti lulus uji berkala (KIR) yang masih berlaku",
                "Bukti memiliki pool/garasi",
            ],
            "note": "Ajukan sebelum masa berlaku izin berakhir; kendaraan diperiksa ulang oleh "
            "Dinas Perhubungan.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "Izin penyelenggaraan angkutan lama dan kartu pengawasan",
                "STNK dan BPKB kendaraan pengganti atau tambahan",
                "Bukti lulus uji berkala (KIR) kendaraan pengganti atau tambahan",
            ],
            "note": "Untuk peremajaan (ganti kendaraan), penambahan atau pengurangan armada dan "
            "perubahan data perusahaan. Trayek lain diajukan sebagai izin baru.",
        },
        "penggantian": _replacement(
            "izin penyelenggaraan angkutan dan kartu pengawasan", first=_NIB
        ),
    },
    "persetujuan_lingkungan": {
        "perpanjangan": {
            "offered": False,
            "note": "Persetujuan Lingkungan tidak diperpanjang: berlaku selama usaha atau "
            "kegiatan berjalan dan berakhir bersama perizinan berusahanya. Bila usaha atau "
            "kegiatan berubah, ajukan perubahan Persetujuan Lingkungan.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "Persetujuan Lingkungan lama (SKKLH, PKPLH atau SPPL)",
                "Uraian rencana perubahan usaha/kegiatan",
                "Dokumen lingkungan perubahan (adendum ANDAL dan RKL-RPL, atau UKL-UPL yang "
                "diperbarui) sesuai arahan DLH",
            ],
            "procedure": [
                "Ajukan perubahan melalui Amdalnet / OSS dengan uraian perubahannya",
                "DLH menilai apakah perubahan memerlukan dokumen lingkungan baru atau adendum",
                "Pemeriksaan dokumen perubahan (dan rapat uji kelayakan untuk AMDAL)",
                "Persetujuan Lingkungan perubahan terbit",
            ],
            "note": "Wajib bila kapasitas, luas, teknologi, bahan baku atau pengelolaan limbah "
            "usaha/kegiatan berubah.",
        },
        "penggantian": _replacement(
            "Persetujuan Lingkungan",
            first=_NIB,
            note="Dokumen yang terbit lewat Amdalnet/OSS dapat diunduh ulang dari akun "
            "pemohon. " + _SAME_TERM,
        ),
    },
    "izin_operasional_sekolah": {
        "perpanjangan": {
            "requirements": [
                "Izin operasional lama",
                "Akta pendirian yayasan dan SK Kemenkumham beserta perubahannya",
                "Bukti kepemilikan/sewa lahan dan bangunan yang masih berlaku",
                "Data pendidik, tenaga kependidikan dan peserta didik terbaru",
                _NIB,
                "Bukti kepesertaan BPJS Ketenagakerjaan (untuk sekolah swasta)",
            ],
            "note": "Ajukan sebelum masa berlaku izin berakhir; Dinas Pendidikan melakukan "
            "visitasi ulang.",
        },
        "perubahan": {
            "requirements": [
                "Izin operasional lama",
                "Akta perubahan yayasan dan SK Kemenkumham (bila penyelenggara berubah)",
                "Dokumen pendukung perubahan (nama sekolah, alamat atau penyelenggara)",
            ],
            "note": "Untuk perubahan nama sekolah, penyelenggara (yayasan) atau alamat; pindah "
            "lokasi memerlukan visitasi ulang oleh Dinas Pendidikan.",
        },
        "penggantian": _replacement("izin operasional"),
    },
}
