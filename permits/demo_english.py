"""English versions of the demo catalogue's texts, for foreign investors (issue 17, item 7).

Plain data, keyed like the Indonesian sources: `demo_catalogue` (AGENCIES,
PERMIT_TYPES, FAQ_TOPICS), `demo_lifecycle` (VALIDITY, VARIANTS) and
`demo_public_services` (PUBLIC_SERVICES). Each entry holds the fields a row's
`english` column takes (see `permits.english`); lists have as many items as the
Indonesian ones, in the same order. Indonesian names of permits, offices and
documents stay recognisable ("Building Approval (PBG, formerly IMB)", "KTP (identity
card)"), since applicants meet them on forms and portals. Addresses, phone numbers
and websites are not translated.

A validity note is a phrase that follows "valid" in an answer: "valid for 5 years
(as long as the STR is valid ...)", "valid as long as the business operates".
"""

from __future__ import annotations

from typing import Any

AGENCIES_EN: dict[str, dict[str, str]] = {
    "dpmptsp": {"name": "Investment and One-Stop Integrated Services Office (DPMPTSP)"},
    "dinas_pupr": {"name": "Public Works and Spatial Planning Office (Dinas PUPR)"},
    "dinkes": {"name": "Health Office (Dinas Kesehatan)"},
    "dishub": {"name": "Transportation Office (Dinas Perhubungan)"},
    "dlh": {"name": "Environment Office (Dinas Lingkungan Hidup, DLH)"},
    "disdik": {"name": "Education Office (Dinas Pendidikan)"},
    "disparbud": {"name": "Tourism and Culture Office (Disparbud)"},
    "bapenda": {"name": "Regional Revenue Agency (Bapenda)"},
}

# Texts shared by several permits, as in the Indonesian sources.
_KTP = "Copy of the applicant's KTP (identity card)"
_NPWP = "Copy of the NPWP (tax ID)"
_NIB = "NIB (Business Identification Number) from OSS"
_PHOTO = "Colour passport photos, 4x6 cm (2 copies)"
_ONLINE = "Submit the application online through the permit portal and upload the documents"
_VERIFY = "Administrative verification by DPMPTSP officers"
_ISSUE = "The permit is issued and can be downloaded from the permit portal"
_HEALTH_CHECK = "Technical verification by the Health Office (Dinas Kesehatan)"

PERMIT_TYPES_EN: dict[str, dict[str, Any]] = {
    "pbg": {
        "name": "Building Approval (PBG, formerly IMB)",
        "requirements": [
            _KTP,
            "Proof of land ownership (land certificate or deed of sale)",
            "Architectural, structural and utility drawings of the building",
            "Structural calculations for buildings of more than 2 storeys",
            "KKPR / KRK document (City Plan Information, Keterangan Rencana Kota)",
            "Proof of payment of this year's PBB (land and building tax)",
        ],
        "procedure": [
            "Register an account and submit the application on SIMBG (simbg.pu.go.id)",
            "Review of the technical documents by the Expert Professional Team (TPA)",
            "Consultation and technical assessment at the Public Works and Spatial Planning "
            "Office (Dinas PUPR)",
            "Calculation and payment of the PBG retribution (regional levy)",
            "The PBG is issued and can be downloaded from SIMBG",
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "as long as the building is not altered (its function, shape, height, "
        "floor area and appearance remain as approved in the PBG); no renewal is needed",
    },
    "slf": {
        "name": "Certificate of Building Worthiness (SLF)",
        "requirements": [
            _KTP,
            "Copy of the building's PBG/IMB",
            "Building worthiness inspection report by a technical assessor",
            "As-built drawings",
            "Statement of building worthiness",
        ],
        "procedure": [
            "Submit the SLF application on SIMBG",
            "Worthiness inspection by the Public Works and Spatial Planning Office (Dinas PUPR)",
            "Site survey",
            "The SLF is issued on SIMBG",
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "for public buildings; 20 years for single houses and row houses; "
        "renewed after a technical assessment",
    },
    "nib": {
        "name": "Business Identification Number (NIB)",
        "requirements": [
            "NIK (national identity number on the electronic KTP) of the owner or person in charge",
            "Active e-mail address and mobile phone number",
            "Deed of establishment and approval decree of the Ministry of Law (SK Kemenkumham) "
            "(for business entities)",
            _NPWP,
            "KBLI code (Indonesian Standard Industrial Classification) of the business activity",
        ],
        "procedure": [
            "Create an account at oss.go.id",
            "Fill in the business details and choose the KBLI code",
            "Agree to the self-declaration statement",
            "The NIB is issued automatically on OSS",
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "as long as the business operates; no renewal is needed",
    },
    "reklame": {
        "name": "Outdoor Advertising Permit (Izin Reklame)",
        "requirements": [
            _KTP,
            _NPWP,
            "Design/artwork of the advertisement and its dimensions",
            "Photos of the location and the coordinates of the installation point",
            "Letter of permission from the owner of the land/building where it will be installed",
        ],
        "procedure": [
            _ONLINE,
            "Survey of the advertising point by the technical team",
            "Assessment and payment of the advertisement tax at the Regional Revenue Agency "
            "(Bapenda)",
            _ISSUE,
        ],
        "fee_note": "The advertisement tax is set by Bapenda according to size, location and "
        "display period.",
        "fee_rows": [
            "banners/pennants, per week",
            "billboards (baliho) up to 12 m², per year",
            "billboards over 12 m², per year",
        ],
        "validity_note": "for the display period stated on the permit (usually 1 year for "
        "permanent advertisements; per day, week or month for temporary ones)",
    },
    "sip_dokter": {
        "name": "Doctor's Practice Permit (SIP Dokter)",
        "requirements": [
            _KTP,
            "Valid STR (registration certificate)",
            "Recommendation from the local branch of IDI (Indonesian Medical Association)",
            "Letter from the health facility where you will practise",
            _PHOTO,
        ],
        "procedure": [_ONLINE, _VERIFY, _HEALTH_CHECK, _ISSUE],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "as long as the STR is valid and the place of practice matches the SIP",
    },
    "sip_bidan": {
        "name": "Midwife's Practice Permit (SIPB)",
        "requirements": [
            _KTP,
            "Valid midwife's STR (registration certificate)",
            "Recommendation from the IBI branch (Indonesian Midwives Association)",
            "Letter confirming the place of practice",
            _PHOTO,
        ],
        "procedure": [_ONLINE, _VERIFY, _HEALTH_CHECK, _ISSUE],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "as long as the STR is valid and the place of practice matches the SIPB",
    },
    "sip_perawat": {
        "name": "Nurse's Practice Permit (SIPP)",
        "requirements": [
            _KTP,
            "Valid nurse's STR (registration certificate)",
            "Recommendation from PPNI (Indonesian National Nurses Association)",
            "Letter confirming the place of practice",
            _PHOTO,
        ],
        "procedure": [_ONLINE, _VERIFY, _HEALTH_CHECK, _ISSUE],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "as long as the STR is valid and the place of practice matches the SIPP",
    },
    "sipa": {
        "name": "Pharmacist's Practice Permit (SIPA)",
        "requirements": [
            _KTP,
            "Valid pharmacist's STR (registration certificate)",
            "Recommendation from the IAI branch (Indonesian Pharmacists Association)",
            "Letter of consent from the head of the pharmacy/pharmaceutical facility",
            _PHOTO,
        ],
        "procedure": [_ONLINE, _VERIFY, _HEALTH_CHECK, _ISSUE],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "as long as the STR is valid and the place of practice matches the SIPA",
    },
    "izin_apotek": {
        "name": "Pharmacy Permit (Izin Apotek)",
        "requirements": [
            _NIB,
            "SIPA (practice permit) of the pharmacist in charge",
            "Floor plan of the pharmacy building",
            "List of facilities, infrastructure and equipment",
            "List of pharmaceutical staff",
        ],
        "procedure": [
            _ONLINE,
            _VERIFY,
            "On-site inspection by the Health Office (Dinas Kesehatan)",
            _ISSUE,
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "subject to the SIPA of the pharmacist in charge; if that SIPA is no "
        "longer valid or the pharmacist in charge changes, the pharmacy permit must be amended",
    },
    "izin_klinik": {
        "name": "Clinic Operating Permit (Izin Operasional Klinik)",
        "requirements": [
            _NIB,
            "Clinic profile and organisational structure",
            "List of health workers with their STR and SIP",
            "Floor plan and list of facilities and infrastructure",
            "Environmental document (SPPL/UKL-UPL)",
        ],
        "procedure": [
            _ONLINE,
            _VERIFY,
            "Site visit and assessment by the Health Office (Dinas Kesehatan)",
            _ISSUE,
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "and renewable as long as the clinic meets the requirements",
    },
    "tdup": {
        "name": "Tourism Business Registration (TDUP)",
        "requirements": [
            _NIB,
            _KTP,
            "Deed of establishment (for business entities)",
            "Statement of commitment to meet the tourism business standards",
        ],
        "procedure": [
            _ONLINE,
            _VERIFY,
            "Verification by the Tourism Office (Dinas Pariwisata)",
            _ISSUE,
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "as long as the tourism business operates; no renewal is needed",
    },
    "izin_penelitian": {
        "name": "Research Permit Letter (Surat Keterangan Penelitian)",
        "requirements": [
            _KTP,
            "Cover letter from the university/institution",
            "Research proposal",
            "Research schedule and location",
        ],
        "procedure": [_ONLINE, _VERIFY, _ISSUE],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "for the research period stated in the research permit letter",
    },
    "pkkpr": {
        "name": "Approval of Spatial Use Conformity (PKKPR)",
        "requirements": [
            _NIB,
            "Coordinates of the location and the land area",
            "Technical plan of the activity",
            "Proof of control over the land",
        ],
        "procedure": [
            "Submit the PKKPR application on OSS",
            "Assessment of the proposed activity documents by the Public Works and Spatial "
            "Planning Office (Dinas PUPR)",
            "Meeting of the Spatial Planning Forum (Forum Penataan Ruang)",
            "The PKKPR is issued on OSS",
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "from the date of issue, as the basis for acquiring the land and for "
        "the subsequent business permits",
    },
    "izin_trayek": {
        "name": "Public Transport Operating Permit (Izin Trayek)",
        "requirements": [
            _NIB,
            "Vehicle registration certificate (STNK) and ownership book (BPKB)",
            "Proof of passing the periodic roadworthiness test (KIR)",
            "Statement of commitment to meet the service standards",
            "Proof of having a depot/garage",
        ],
        "procedure": [
            _ONLINE,
            _VERIFY,
            "Vehicle inspection by the Transportation Office (Dinas Perhubungan)",
            _ISSUE,
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "during which every vehicle must pass the periodic KIR roadworthiness "
        "test every 6 months",
    },
    "persetujuan_lingkungan": {
        "name": "Environmental Approval (Persetujuan Lingkungan)",
        "requirements": [
            _NIB,
            "Environmental document according to the level of risk (AMDAL environmental impact "
            "assessment, UKL-UPL or SPPL)",
            "PKKPR or proof of spatial planning conformity",
            "Map of the activity location",
        ],
        "procedure": [
            "Submit the application through Amdalnet / OSS",
            "Review of the forms and documents by the Environment Office (DLH)",
            "Feasibility assessment meeting (for AMDAL)",
            "The Environmental Approval is issued",
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "as long as the business or activity continues unchanged; it ends "
        "together with the business permit it belongs to",
    },
    "izin_operasional_sekolah": {
        "name": "School Operating Permit (Izin Operasional Satuan Pendidikan)",
        "requirements": [
            "Deed of establishment of the foundation (yayasan) and its approval decree (SK "
            "Kemenkumham)",
            "Proof of ownership/lease of the land and buildings",
            "Curriculum and teacher data",
            "Recommendation from the Education Office (Dinas Pendidikan)",
        ],
        "procedure": [
            _ONLINE,
            _VERIFY,
            "Site visit by the Education Office (Dinas Pendidikan)",
            _ISSUE,
        ],
        "fee_note": "",
        "fee_rows": [],
        "validity_note": "and renewable as long as the school meets the standards",
    },
}

# Replacing a lost or damaged permit, as `demo_lifecycle._replacement` builds it.
_LOST = "Police report of loss (if lost) or the original damaged permit"
_REPLACEMENT_STEPS = [
    "Submit the replacement application online through the permit portal and upload the documents",
    "Check against the permit archive by DPMPTSP officers",
    "The replacement permit is issued and can be downloaded from the permit portal",
]
_SAME_TERM = "The replacement permit is valid until the same date as the permit it replaces."


def _replacement(document: str, first: str = _KTP, **texts: Any) -> dict[str, Any]:
    """The replacement of a lost or damaged permit; `document` reads after "Copy of"."""
    return {
        "requirements": [first, _LOST, f"Copy of {document} (if available)"],
        "procedure": list(_REPLACEMENT_STEPS),
        "note": _SAME_TERM,
    } | texts


def _practice_permit(short: str, registration: str, organisation: str) -> dict[str, Any]:
    """The four practice permits (SIP, SIPB, SIPP, SIPA) share their lifecycle texts."""
    return {
        "perpanjangan": {
            "requirements": [
                _KTP,
                f"Original of the current {short}",
                f"Valid {registration}",
                f"New recommendation from {organisation}",
                "Proof of sufficient SKP (professional credit units)",
                "Letter from the health facility where you practise",
                _PHOTO,
            ],
            "note": f"Apply before your {short} expires, for the same place of practice. An "
            f"expired {short} may not be used to practise until the renewed {short} is issued.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                f"Original of the current {short}",
                "Documents proving the change (for example a letter from the health facility "
                "showing its new name or address)",
            ],
            "note": "For changes of details at the same place of practice (name, academic "
            f"title, name of the health facility). A {short} is valid only at the place of "
            f"practice it names: moving to or adding a place of practice requires a new {short}.",
        },
        "penggantian": _replacement(
            f"the {short}",
            requirements=[
                _KTP,
                _LOST,
                f"Copy of the {short} (if available)",
                f"Copy of the {registration}",
            ],
        ),
    }


VARIANTS_EN: dict[str, dict[str, dict[str, Any]]] = {
    "pbg": {
        "perpanjangan": {
            "note": "A PBG is not renewed: it remains valid as long as the building is not "
            "altered. What is renewed is the SLF (Certificate of Building Worthiness): every 5 "
            "years for public buildings and every 20 years for single houses and row houses.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                "The existing PBG or IMB",
                "Proof of land ownership (land certificate or deed of sale)",
                "Drawings of the planned changes: architecture, structure and utilities",
                "Structural calculations if the change adds a storey or adds load to the building",
                "KKPR / KRK document if the building's function changes",
            ],
            "procedure": [
                "Submit the application for a PBG amendment on SIMBG (simbg.pu.go.id) with the "
                "number of the existing PBG/IMB",
                "Review of the planned changes by the Expert Professional Team (TPA)",
                "Consultation and technical assessment at the Public Works and Spatial Planning "
                "Office (Dinas PUPR)",
                "Calculation and payment of the PBG retribution (regional levy)",
                "The amended PBG is issued and can be downloaded from SIMBG",
            ],
            "note": "An amended PBG is required when the building's function, shape, height, "
            "floor area or appearance changes, including major renovations and added storeys. "
            "The retribution is calculated with the same formula on the floor area that is "
            "changed or added.",
        },
        "penggantian": _replacement(
            "the PBG/IMB",
            requirements=[
                _KTP,
                _LOST,
                "Copy of the PBG/IMB (if available) or the PBG registration number",
            ],
            procedure=[
                "Apply for a copy of the PBG/IMB to the Public Works and Spatial Planning Office "
                "(Dinas PUPR) through the permit portal",
                "Check against the PBG/IMB archive at Dinas PUPR",
                "The copy of the PBG/IMB is issued",
            ],
            note="A PBG issued through SIMBG can be downloaded again from the owner's SIMBG "
            "account; a copy from the archive is needed for an old IMB or if the account cannot "
            "be accessed.",
        ),
    },
    "slf": {
        "perpanjangan": {
            "requirements": [
                _KTP,
                "The current SLF",
                "Copy of the building's PBG/IMB",
                "Technical worthiness assessment report by a registered technical assessor",
                "Statement of building worthiness from the technical assessor",
                "Records of the building's maintenance and upkeep during the current SLF period",
            ],
            "procedure": [
                "The owner appoints a registered technical assessor to inspect the building's "
                "worthiness",
                "Apply for the SLF renewal on SIMBG and upload the technical assessment report",
                "Document review by the Public Works and Spatial Planning Office (Dinas PUPR)",
                "The renewed SLF is issued on SIMBG",
            ],
            "note": "Apply no later than 60 calendar days before the SLF expires. The technical "
            "assessor's services are paid by the owner to the service provider, not to the "
            "government; for simple houses, the inspection can be carried out by Dinas PUPR.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                "The current SLF",
                "Proof of transfer of rights to the building (land certificate or deed of sale)",
            ],
            "note": "For a change of owner details. If the building itself is altered, first "
            "apply for an amended PBG; a new SLF is issued after the altered building has passed "
            "the worthiness inspection.",
        },
        "penggantian": _replacement(
            "the SLF",
            note="An SLF issued through SIMBG can be downloaded again from the owner's SIMBG "
            "account. " + _SAME_TERM,
        ),
    },
    "nib": {
        "perpanjangan": {
            "note": "An NIB does not need to be renewed: it remains valid as long as the "
            "business operates. If your business details change, update them on OSS (NIB "
            "amendment).",
        },
        "perubahan": {
            "requirements": [
                "The business's OSS account (access rights)",
                "The new details to be changed (address, KBLI code, capital, workforce, "
                "management)",
                "Deed of amendment and SK Kemenkumham (for business entities changing their "
                "articles of association or management)",
            ],
            "procedure": [
                "Log in to oss.go.id with the business's account",
                "Choose the Perizinan Berusaha (Business Licensing) menu, then Perubahan "
                "(Amendment)",
                "Change the business details and agree to the self-declaration statement",
                "The NIB with the updated details is issued automatically on OSS",
            ],
            "note": "Free of charge and done by yourself through OSS RBA; the NIB number stays "
            "the same.",
        },
        "penggantian": {
            "requirements": ["The business's OSS account (access rights)"],
            "procedure": [
                "Log in to oss.go.id with the business's account",
                "Download the NIB document again from the Perizinan Berusaha (Business "
                "Licensing) menu",
            ],
            "note": "The office does not reprint NIBs: the document can be downloaded again at "
            "any time from the OSS account. Forgotten your account details? Use the "
            "forgotten-password feature on OSS or visit the OSS help desk at DPMPTSP.",
        },
    },
    "reklame": {
        "perpanjangan": {
            "requirements": [
                _KTP,
                _NPWP,
                "The current advertising permit and proof of the previous advertisement tax "
                "payment",
                "Recent photo of the installed advertisement",
                "Valid letter of permission from the owner of the land/building",
            ],
            "procedure": [
                "Apply for the renewal through the permit portal before the display period ends",
                "Inspection of the advertisement's condition by the technical team",
                "Assessment and payment of the advertisement tax for the new display period at "
                "the Regional Revenue Agency (Bapenda)",
                "The renewed permit is issued and can be downloaded from the permit portal",
            ],
            "note": "Renewal means paying the advertisement tax again for the next display "
            "period. An advertisement whose display period has ended and is not renewed must be "
            "taken down by its operator.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                "The valid advertising permit",
                "The new design/artwork of the advertisement",
            ],
            "note": "For changing the content or wording of an advertisement at the same point "
            "and in the same size. A change of location or size is submitted as a new "
            "application.",
        },
        "penggantian": _replacement(
            "the advertising permit and the advertisement tax payment receipt"
        ),
    },
    "sip_dokter": _practice_permit(
        "SIP",
        "STR (registration certificate)",
        "the local IDI branch (Indonesian Medical Association)",
    ),
    "sip_bidan": _practice_permit(
        "SIPB",
        "midwife's STR (registration certificate)",
        "the IBI branch (Indonesian Midwives Association)",
    ),
    "sip_perawat": _practice_permit(
        "SIPP",
        "nurse's STR (registration certificate)",
        "PPNI (Indonesian National Nurses Association)",
    ),
    "sipa": _practice_permit(
        "SIPA",
        "pharmacist's STR (registration certificate)",
        "the IAI branch (Indonesian Pharmacists Association)",
    ),
    "izin_apotek": {
        "perpanjangan": {
            "requirements": [
                _NIB,
                "Original of the current pharmacy permit",
                "Valid SIPA of the pharmacist in charge",
                "Updated list of facilities, infrastructure and equipment",
                "List of pharmaceutical staff with their SIPA/SIPTTK (practice permits)",
            ],
            "note": "Apply before the permit expires. A pharmacy permit is valid only as long "
            "as the SIPA of the pharmacist in charge is valid.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "Original of the current pharmacy permit",
                "Documents of the change: the SIPA of the new pharmacist in charge, a deed of "
                "amendment or a new floor plan, depending on what changes",
            ],
            "note": "For a change of the pharmacist in charge, of the pharmacy's name or "
            "investor, or of the floor plan at the same location. A move to another location is "
            "submitted as a new permit application.",
        },
        "penggantian": _replacement("the pharmacy permit", first=_NIB),
    },
    "izin_klinik": {
        "perpanjangan": {
            "requirements": [
                _NIB,
                "The current clinic operating permit",
                "Updated clinic profile",
                "List of health workers with their valid STR and SIP",
                "Clinic accreditation certificate (for clinics already required to be accredited)",
                "Environmental document (SPPL/UKL-UPL)",
            ],
            "note": "Apply before the permit expires; the Health Office (Dinas Kesehatan) will "
            "visit the clinic again.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "The current clinic operating permit",
                "Documents of the change (person in charge, clinic name, type of service or "
                "ownership)",
            ],
            "note": "For a change of the person in charge, or of the clinic's name, type of "
            "service or ownership. A change of address is submitted as a new permit "
            "application.",
        },
        "penggantian": _replacement("the clinic operating permit", first=_NIB),
    },
    "tdup": {
        "perpanjangan": {
            "note": "A TDUP does not need to be renewed: it remains valid as long as the tourism "
            "business operates. If your business details change, apply for a TDUP amendment.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "The current TDUP",
                "Documents of the change (deed of amendment, new address or new type of business)",
            ],
            "note": "For a change of the business name, manager, address or type of tourism "
            "business. Please also update your NIB details on OSS if they change.",
        },
        "penggantian": _replacement("the TDUP"),
    },
    "izin_penelitian": {
        "perpanjangan": {
            "requirements": [
                _KTP,
                "The current research permit letter",
                "Cover letter for the extension from the university/institution",
                "The new research schedule",
            ],
            "note": "If the research is not yet finished. Apply before the research permit "
            "letter expires.",
        },
        "perubahan": {
            "requirements": [
                _KTP,
                "The current research permit letter",
                "Cover letter from the university/institution stating the changes",
                "Updated research proposal or schedule",
            ],
            "note": "For a change of the research title, location, team members or schedule.",
        },
        "penggantian": _replacement("the research permit letter"),
    },
    "pkkpr": {
        "perpanjangan": {
            "note": "A PKKPR is not renewed: if the activity has not started within 3 years, "
            "apply for a new PKKPR on OSS.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "The current PKKPR",
                "The changed coordinates and land area",
                "The changed technical plan of the activity",
            ],
            "note": "For a change of the land area or of the activity plan at the same location, "
            "submitted on OSS. Another location requires a new PKKPR.",
        },
        "penggantian": {
            "requirements": ["The business's OSS account (access rights)"],
            "procedure": ["Log in to oss.go.id", "Download the PKKPR document again"],
            "note": "The PKKPR is issued on OSS: the document can be downloaded again at any "
            "time from the OSS account.",
        },
    },
    "izin_trayek": {
        "perpanjangan": {
            "requirements": [
                _NIB,
                "The current transport operating permit and supervision card (kartu pengawasan)",
                "Valid vehicle registration certificate (STNK)",
                "Valid proof of passing the periodic roadworthiness test (KIR)",
                "Proof of having a depot/garage",
            ],
            "note": "Apply before the permit expires; the vehicles are inspected again by the "
            "Transportation Office (Dinas Perhubungan).",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "The current transport operating permit and supervision card (kartu pengawasan)",
                "STNK and BPKB of the replacement or additional vehicles",
                "Proof that the replacement or additional vehicles have passed the periodic "
                "roadworthiness test (KIR)",
            ],
            "note": "For fleet renewal (replacing vehicles), adding or reducing vehicles, and "
            "changes of company details. Another route is submitted as a new permit "
            "application.",
        },
        "penggantian": _replacement(
            "the transport operating permit and the supervision card", first=_NIB
        ),
    },
    "persetujuan_lingkungan": {
        "perpanjangan": {
            "note": "An Environmental Approval is not renewed: it remains valid as long as the "
            "business or activity continues, and ends together with the business permit it "
            "belongs to. If the business or activity changes, apply for an amendment of the "
            "Environmental Approval.",
        },
        "perubahan": {
            "requirements": [
                _NIB,
                "The current Environmental Approval (SKKLH, PKPLH or SPPL)",
                "Description of the planned change to the business/activity",
                "Amended environmental document (ANDAL and RKL-RPL addendum, or updated "
                "UKL-UPL) as directed by the Environment Office (DLH)",
            ],
            "procedure": [
                "Submit the amendment through Amdalnet / OSS with a description of the changes",
                "The Environment Office (DLH) assesses whether the change requires a new "
                "environmental document or an addendum",
                "Review of the amended documents (and a feasibility assessment meeting for AMDAL)",
                "The amended Environmental Approval is issued",
            ],
            "note": "Required when the capacity, area, technology, raw materials or waste "
            "management of the business/activity change.",
        },
        "penggantian": _replacement(
            "the Environmental Approval",
            first=_NIB,
            note="Documents issued through Amdalnet/OSS can be downloaded again from the "
            "applicant's account. " + _SAME_TERM,
        ),
    },
    "izin_operasional_sekolah": {
        "perpanjangan": {
            "requirements": [
                "The current operating permit",
                "Deed of establishment of the foundation (yayasan) and SK Kemenkumham, with "
                "any amendments",
                "Valid proof of ownership/lease of the land and buildings",
                "Updated data on teachers, education staff and students",
                _NIB,
                "Proof of BPJS Ketenagakerjaan (employment social security) membership (for "
                "private schools)",
            ],
            "note": "Apply before the permit expires; the Education Office (Dinas Pendidikan) "
            "will visit the school again.",
        },
        "perubahan": {
            "requirements": [
                "The current operating permit",
                "Deed of amendment of the foundation (yayasan) and SK Kemenkumham (if the "
                "organising body changes)",
                "Supporting documents of the change (school name, address or organising body)",
            ],
            "note": "For a change of the school's name, organising body (foundation) or "
            "address; a move to a new location requires another site visit by the Education "
            "Office (Dinas Pendidikan).",
        },
        "penggantian": _replacement("the operating permit"),
    },
}

FAQ_EN: dict[str, dict[str, str]] = {
    "jam_layanan": {
        "title": "Service hours",
        "answer": "The DPMPTSP counters of Sukamaju Regency are open {jam_layanan}. Online "
        "applications can be submitted 24 hours a day.",
    },
    "lokasi": {
        "title": "Office location",
        "answer": "The DPMPTSP office is on the 2nd floor of {alamat_kantor} (the public "
        "service mall). Parking is available in the basement.",
    },
    "kontak": {
        "title": "Contact",
        "answer": "Contact Tanya PTSP through the call centre 1500164 (phone, video call, live "
        "chat) or by e-mail at dpmptsp@sukamajukab.go.id.",
    },
    "akun": {
        "title": "Portal account",
        "answer": "Register an account on the permit portal with your NIK (national identity "
        "number) and an active e-mail address. Forgot your password? Click 'Lupa kata sandi' "
        "(Forgot password) on the login page; a reset link will be sent to your e-mail.",
    },
    "jenis_layanan": {
        "title": "Services we handle",
        "answer": "We handle permits for buildings (PBG, SLF), businesses (NIB, outdoor "
        "advertising, TDUP), health (practice permits for doctors, midwives, nurses and "
        "pharmacists; pharmacies; clinics), the environment, spatial planning (PKKPR), public "
        "transport routes, research, and school operating permits.",
    },
    "antrian": {
        "title": "Queue",
        "answer": "Take a queue number online on the permit portal no later than one day "
        "before your visit, or from the queue machine in the lobby of the Public Service Mall. "
        "The counters serve up to 200 queue numbers a day.",
    },
    "lkpm": {
        "title": "LKPM report",
        "answer": "The LKPM (Investment Activity Report) must be submitted by every business "
        "that holds an NIB, except micro businesses, through the Laporan (Reports) menu at "
        "oss.go.id. The deadline is the 10th of the first month of the following quarter "
        "(10 April, 10 July, 10 October, 10 January); small businesses report every six "
        "months. Businesses that do not report may face sanctions ranging from a written "
        "warning to suspension of their permit. Need help filling it in? Visit the investment "
        "consultation desk at DPMPTSP.",
    },
}

# The civil registry's fields, shared by its services as in `demo_public_services`.
_DUKCAPIL = {
    "office": "Population and Civil Registration Office (Disdukcapil) of Sukamaju Regency",
    "hours": "Monday–Friday 08:00–15:00 WIB",
}

SERVICES_EN: dict[str, dict[str, str]] = {
    "kk": {
        "name": "Family Card (Kartu Keluarga, KK)",
        **_DUKCAPIL,
        "how": "Bring your current KK, your electronic KTP (KTP-el) and the documents of the "
        "change (birth certificate, marriage book, relocation letter); you can also use the "
        "Digital Population Identity app (IKD).",
    },
    "ktp_el": {
        "name": "Electronic identity card (KTP-el)",
        **_DUKCAPIL,
        "how": "Biometric recording and reprinting at Disdukcapil or the sub-district "
        "(kecamatan) office; for a lost KTP, just bring a police report of loss and a copy of "
        "your KK.",
    },
    "akta_kelahiran": {
        "name": "Birth certificate (akta kelahiran)",
        **_DUKCAPIL,
        "how": "A birth letter from the midwife/hospital, the KK and the parents' marriage "
        "book; free of charge.",
    },
    "akta_kematian": {
        "name": "Death certificate (akta kematian)",
        **_DUKCAPIL,
        "how": "A death letter from the village/kelurahan office or the hospital, the KK and "
        "the deceased's KTP-el; free of charge.",
    },
    "pindah_domisili": {
        "name": "Change of domicile (relocation letter)",
        **_DUKCAPIL,
        "how": "Apply for a Relocation Certificate (Surat Keterangan Pindah) at the Disdukcapil "
        "of the area you are moving from, with your KK and KTP-el.",
    },
    "pajak_kendaraan": {
        "name": "Motor vehicle tax and vehicle registration certificate (STNK)",
        "office": "Samsat Joint Office of Sukamaju (Kantor Bersama Samsat)",
        "hours": "Monday–Friday 08:00–14:00 WIB, Saturday 08:00–12:00 WIB",
        "how": "Bring your KTP-el and the original STNK; the annual tax can also be paid "
        "through the SIGNAL app or at the mobile Samsat service (Samsat keliling).",
    },
    "sim": {
        "name": "Driving licence (SIM)",
        "office": "Driving Licence Service Unit (Satpas SIM), Sukamaju District Police (Polres)",
        "hours": "Monday–Saturday 08:00–12:00 WIB",
        "how": "Bring your KTP-el, a health certificate and a psychological test result; "
        "renewals can be made through the Digital Korlantas app.",
    },
    "pajak_daerah": {
        "name": "Regional taxes (PBB land and building tax, BPHTB land and building "
        "acquisition duty)",
        "office": "Regional Revenue Agency (Bapenda) of Sukamaju Regency",
        "hours": "Monday–Friday 08:00–15:00 WIB",
        "how": "The PBB tax assessment (SPPT PBB) is paid at a bank or a designated payment "
        "channel; BPHTB is validated at Bapenda before the deed of sale is signed.",
    },
    "skck": {
        "name": "Police Clearance Certificate (SKCK)",
        "office": "Sukamaju District Police (Polres), Intelkam unit",
        "hours": "Monday–Friday 08:00–14:00 WIB",
        "how": "Register online at skck.polri.go.id, then come in person with your KTP-el, "
        "KK, birth certificate and passport photos.",
    },
    "paspor": {
        "name": "Passport",
        "office": "Class I Immigration Office of Sukamaju (Kantor Imigrasi)",
        "hours": "Monday–Friday 08:00–16:00 WIB",
        "how": "Book an appointment in the M-Paspor app, then come in person with your KTP-el, "
        "KK and birth certificate or school diploma.",
    },
    "sertifikat_tanah": {
        "name": "Land certificate",
        "office": "Land Office (Kantor Pertanahan, BPN) of Sukamaju Regency",
        "hours": "Monday–Friday 08:00–15:00 WIB",
        "how": "Registration, transfer of title and subdivision of certificates at the BPN "
        "counter or through the Sentuh Tanahku app.",
    },
    "cpns": {
        "name": "Civil servant (CPNS) and government contract employee (PPPK) recruitment",
        "office": "Civil Service and Human Resources Development Agency (BKPSDM) of Sukamaju "
        "Regency",
        "hours": "Monday–Friday 08:00–15:00 WIB",
        "how": "Registration for civil service (ASN) selection is only through "
        "sscasn.bkn.go.id; vacancies are announced by the National Civil Service Agency (BKN).",
    },
    "listrik": {
        "name": "Electricity (PLN)",
        "office": "PLN UP3 Sukamaju (state electricity company, customer service unit)",
        "hours": "Monday–Friday 08:00–15:00 WIB; complaints 24 hours a day",
        "how": "New connections, power upgrades and outages through the PLN Mobile app or call "
        "centre 123.",
    },
    "air_pdam": {
        "name": "Clean water (PDAM)",
        "office": "Perumda Air Minum Tirta Sukamaju (PDAM, regional water company)",
        "hours": "Monday–Friday 08:00–15:00 WIB",
        "how": "New connections and complaints at the PDAM office or through its call centre; "
        "bills can be paid at banks, post offices or minimarkets.",
    },
    "bpjs": {
        "name": "BPJS Kesehatan (national health insurance) and BPJS Ketenagakerjaan "
        "(employment social security)",
        "office": "BPJS Kesehatan / BPJS Ketenagakerjaan Sukamaju Branch Office",
        "hours": "Monday–Friday 08:00–15:00 WIB",
        "how": "Registration and changes of details through the Mobile JKN or JMO app, or at "
        "the branch office.",
    },
    "perceraian": {
        "name": "Divorce",
        "office": "Sukamaju Religious Court (Pengadilan Agama, for Muslims) / Sukamaju District "
        "Court (Pengadilan Negeri)",
        "hours": "Monday–Friday 08:00–16:00 WIB",
        "how": "The petition is filed at the court (also possible through e-Court); the divorce "
        "certificate is then recorded at Disdukcapil.",
    },
    "nikah": {
        "name": "Marriage registration",
        "office": "Office of Religious Affairs (KUA) of the sub-district; for non-Muslims, "
        "Disdukcapil",
        "hours": "Monday–Friday 08:00–15:00 WIB",
        "how": "Register at least 10 working days before the ceremony, through SIMKAH or at "
        "the KUA, with a cover letter from the kelurahan (forms N1–N4), KTP-el, KK and birth "
        "certificate.",
    },
}
