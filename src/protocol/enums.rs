//! Every enumeration of the wire (PROTOCOL.md Appendix B and §5.7), each keeping unknown values.

use super::wire_enum::wire_enum;

wire_enum! {
    /// The envelope `type` (RemoteMessageType).
    MessageType {
        Command = "COMMAND",
        Query = "QUERY",
        Event = "EVENT",
        Ping = "PING",
        Pong = "PONG",
    }
}

wire_enum! {
    /// `pairingState` of PAIRING_RESPONSE (Windows adds AUTHENTICATING and PAIRING).
    PairingState {
        Uninitialized = "UNINITIALIZED",
        Paired = "PAIRED",
        Failed = "FAILED",
        Initial = "INITIAL",
        Authenticating = "AUTHENTICATING",
        Pairing = "PAIRING",
    }
}

wire_enum! {
    /// `result` of TX_START_RESPONSE.
    TxStartResponseResult {
        Success = "SUCCESS",
        OrderModified = "ORDER_MODIFIED",
        OrderLoad = "ORDER_LOAD",
        Duplicate = "DUPLICATE",
        Fail = "FAIL",
    }
}

wire_enum! {
    /// `txState` of TX_STATE, and `code` of REFUND_RESPONSE.
    TxState {
        Start = "START",
        Success = "SUCCESS",
        Fail = "FAIL",
    }
}

wire_enum! {
    /// `status` / `result` of query and response messages.
    ResultStatus {
        Success = "SUCCESS",
        Fail = "FAIL",
        Cancel = "CANCEL",
    }
}

wire_enum! {
    /// SDK-side response code of a finished request (PROTOCOL.md §5.6).
    ResponseCode {
        Success = "SUCCESS",
        Fail = "FAIL",
        Unsupported = "UNSUPPORTED",
        Cancel = "CANCEL",
        Duplicate = "DUPLICATE",
        Error = "ERROR",
    }
}

wire_enum! {
    /// `queryStatus` of RETRIEVE_PAYMENT_RESPONSE.
    QueryStatus {
        Found = "FOUND",
        NotFound = "NOT_FOUND",
        InProgress = "IN_PROGRESS",
    }
}

wire_enum! {
    /// What the device is doing, as reported by RETRIEVE_DEVICE_STATUS_RESPONSE.
    ExternalDeviceState {
        Idle = "IDLE",
        Busy = "BUSY",
        WaitingForPos = "WAITING_FOR_POS",
        WaitingForCustomer = "WAITING_FOR_CUSTOMER",
        UnknownValue = "UNKNOWN",
    }
}

wire_enum! {
    /// The detail of `ExternalDeviceState`.
    ExternalDeviceSubState {
        CustomActivity = "CUSTOM_ACTIVITY",
        StartingPaymentFlow = "STARTING_PAYMENT_FLOW",
        ProcessingPayment = "PROCESSING_PAYMENT",
        ProcessingCardData = "PROCESSING_CARD_DATA",
        ProcessingCredit = "PROCESSING_CREDIT",
        VerifySignature = "VERIFY_SIGNATURE",
        TipScreen = "TIP_SCREEN",
        ReceiptScreen = "RECEIPT_SCREEN",
        ConfirmPayment = "CONFIRM_PAYMENT",
        UnknownValue = "UNKNOWN",
    }
}

wire_enum! {
    /// Whether a UI_STATE screen appears or disappears.
    UiDirection {
        Enter = "ENTER",
        Exit = "EXIT",
    }
}

wire_enum! {
    /// The device screen named by UI_STATE. The SDK-side DeviceEventState is this enum minus WELCOME_SCREEN, THANKYOU_SCREEN, DISPLAY_MESSAGE and DISPLAY_ORDER (see `UiState::is_device_event_state`).
    UiState {
        AddSignature = "ADD_SIGNATURE",
        AddSignatureCancelConfirm = "ADD_SIGNATURE_CANCEL_CONFIRM",
        AddTip = "ADD_TIP",
        ApproveElvLimitOverride = "APPROVE_ELV_LIMIT_OVERRIDE",
        Approved = "APPROVED",
        Canceled = "CANCELED",
        CashbackConfirm = "CASHBACK_CONFIRM",
        CashbackSelect = "CASHBACK_SELECT",
        Configuring = "CONFIGURING",
        ConfirmAmount = "CONFIRM_AMOUNT",
        ConfirmDuplicateCheck = "CONFIRM_DUPLICATE_CHECK",
        ConfirmPartialAuth = "CONFIRM_PARTIAL_AUTH",
        ContactlessTapRequired = "CONTACTLESS_TAP_REQUIRED",
        CustomActivity = "CUSTOM_ACTIVITY",
        CustomTipAmount = "CUSTOM_TIP_AMOUNT",
        DccHostRequest = "DCC_HOST_REQUEST",
        Declined = "DECLINED",
        DisplayMessage = "DISPLAY_MESSAGE",
        DisplayOrder = "DISPLAY_ORDER",
        EnterInstallmentCode = "ENTER_INSTALLMENT_CODE",
        EnterInstallments = "ENTER_INSTALLMENTS",
        EnterPanLastFour = "ENTER_PAN_LAST_FOUR",
        ErrorScreen = "ERROR_SCREEN",
        Failed = "FAILED",
        Fatal = "FATAL",
        FiscalInvoiceNumber = "FISCAL_INVOICE_NUMBER",
        ForceAcceptance = "FORCE_ACCEPTANCE",
        HandleTender = "HANDLE_TENDER",
        InputError = "INPUT_ERROR",
        ManualCardCvv = "MANUAL_CARD_CVV",
        ManualCardCvvUnreadable = "MANUAL_CARD_CVV_UNREADABLE",
        ManualCardExpiration = "MANUAL_CARD_EXPIRATION",
        ManualCardNumber = "MANUAL_CARD_NUMBER",
        ManualEntryFallback = "MANUAL_ENTRY_FALLBACK",
        OfflinePaymentConfirm = "OFFLINE_PAYMENT_CONFIRM",
        PacketException = "PACKET_EXCEPTION",
        PersonalIdEntry = "PERSONAL_ID_ENTRY",
        PersonalIdEntryPas = "PERSONAL_ID_ENTRY_PAS",
        PinBypassConfirm = "PIN_BYPASS_CONFIRM",
        PinPad = "PIN_PAD",
        Processing = "PROCESSING",
        ProcessingCredit = "PROCESSING_CREDIT",
        ProcessingGoOnline = "PROCESSING_GO_ONLINE",
        ProcessingSwipe = "PROCESSING_SWIPE",
        ReceiptOptions = "RECEIPT_OPTIONS",
        RemoveCard = "REMOVE_CARD",
        ReturnToMerchant = "RETURN_TO_MERCHANT",
        SelectAccount = "SELECT_ACCOUNT",
        SelectApplication = "SELECT_APPLICATION",
        SelectDcc = "SELECT_DCC",
        SelectInstallmentPlan = "SELECT_INSTALLMENT_PLAN",
        SelectLanguage = "SELECT_LANGUAGE",
        SelectMultiMid = "SELECT_MULTI_MID",
        SelectTip = "SELECT_TIP",
        SelectWithdrawFromAccount = "SELECT_WITHDRAW_FROM_ACCOUNT",
        SensoryExperience = "SENSORY_EXPERIENCE",
        ShowSepaMandat = "SHOW_SEPA_MANDAT",
        SignatureCustomerMode = "SIGNATURE_CUSTOMER_MODE",
        SignatureOnScreenFallback = "SIGNATURE_ON_SCREEN_FALLBACK",
        SignatureReject = "SIGNATURE_REJECT",
        Start = "START",
        StartingCustomActivity = "STARTING_CUSTOM_ACTIVITY",
        StartQrCodeMode = "START_QR_CODE_MODE",
        SwipeCvvEntry = "SWIPE_CVV_ENTRY",
        ThankyouScreen = "THANKYOU_SCREEN",
        TimedOut = "TIMED_OUT",
        TryAgain = "TRY_AGAIN",
        VerifySignatureOnPaper = "VERIFY_SIGNATURE_ON_PAPER",
        VerifySignatureOnPaperConfirmVoid = "VERIFY_SIGNATURE_ON_PAPER_CONFIRM_VOID",
        VerifySignatureOnScreen = "VERIFY_SIGNATURE_ON_SCREEN",
        VerifySignatureOnScreenConfirmVoid = "VERIFY_SIGNATURE_ON_SCREEN_CONFIRM_VOID",
        VerifySurcharges = "VERIFY_SURCHARGES",
        VoiceReferralResult = "VOICE_REFERRAL_RESULT",
        VoidConfirm = "VOID_CONFIRM",
        Voided = "VOIDED",
        WelcomeScreen = "WELCOME_SCREEN",
    }
}

wire_enum! {
    /// A button the POS can press on the device (KEY_PRESS).
    KeyPress {
        None = "NONE",
        Enter = "ENTER",
        Esc = "ESC",
        Backspace = "BACKSPACE",
        Tab = "TAB",
        Star = "STAR",
        Button1 = "BUTTON_1",
        Button2 = "BUTTON_2",
        Button3 = "BUTTON_3",
        Button4 = "BUTTON_4",
        Button5 = "BUTTON_5",
        Button6 = "BUTTON_6",
        Button7 = "BUTTON_7",
        Button8 = "BUTTON_8",
        Digit1 = "DIGIT_1",
        Digit2 = "DIGIT_2",
        Digit3 = "DIGIT_3",
        Digit4 = "DIGIT_4",
        Digit5 = "DIGIT_5",
        Digit6 = "DIGIT_6",
        Digit7 = "DIGIT_7",
        Digit8 = "DIGIT_8",
        Digit9 = "DIGIT_9",
        Digit0 = "DIGIT_0",
    }
}

wire_enum! {
    /// The kind of a payment challenge (PARTIAL_AUTH_CHALLENGE exists only in the Java library).
    ChallengeType {
        DuplicateChallenge = "DUPLICATE_CHALLENGE",
        OfflineChallenge = "OFFLINE_CHALLENGE",
        PartialAuthChallenge = "PARTIAL_AUTH_CHALLENGE",
    }
}

wire_enum! {
    /// Why a payment was voided or rejected.
    VoidReason {
        UserCancel = "USER_CANCEL",
        TransportError = "TRANSPORT_ERROR",
        RejectSignature = "REJECT_SIGNATURE",
        RejectPartialAuth = "REJECT_PARTIAL_AUTH",
        NotApproved = "NOT_APPROVED",
        Failed = "FAILED",
        AuthClosedNewCard = "AUTH_CLOSED_NEW_CARD",
        DeveloperPayPartialAuth = "DEVELOPER_PAY_PARTIAL_AUTH",
        RejectDuplicate = "REJECT_DUPLICATE",
        RejectOffline = "REJECT_OFFLINE",
        GiftcardLoadFailed = "GIFTCARD_LOAD_FAILED",
        UserGiftcardLoadCancel = "USER_GIFTCARD_LOAD_CANCEL",
        DeveloperPayTipAdjustFailed = "DEVELOPER_PAY_TIP_ADJUST_FAILED",
        UserCustomerCancel = "USER_CUSTOMER_CANCEL",
        Fraud = "FRAUD",
    }
}

wire_enum! {
    /// `reason` of REFUND_RESPONSE.
    ErrorCode {
        OrderNotFound = "ORDER_NOT_FOUND",
        PaymentNotFound = "PAYMENT_NOT_FOUND",
        Fail = "FAIL",
    }
}

wire_enum! {
    /// `payIntent.transactionType`.
    TransactionType {
        Payment = "PAYMENT",
        Credit = "CREDIT",
        Auth = "AUTH",
        Data = "DATA",
        BalanceInquiry = "BALANCE_INQUIRY",
        PaymentReversal = "PAYMENT_REVERSAL",
        PaymentAdjustment = "PAYMENT_ADJUSTMENT",
        CreditReversal = "CREDIT_REVERSAL",
        RefundAdjustment = "REFUND_ADJUSTMENT",
        CashAdvance = "CASH_ADVANCE",
        CapturePreauth = "CAPTURE_PREAUTH",
        VasData = "VAS_DATA",
        VerifyCard = "VERIFY_CARD",
        TokenizeCard = "TOKENIZE_CARD",
    }
}

wire_enum! {
    /// `requestInfo` of TX_START, echoed by the device (TxTypeRequestInfo).
    RequestInfo {
        Sale = "SALE",
        Auth = "AUTH",
        Preauth = "PREAUTH",
        Credit = "CREDIT",
        Refund = "REFUND",
        VoidPayment = "VOID_PAYMENT",
    }
}

wire_enum! {
    /// How a tip is taken.
    TipMode {
        TipProvided = "TIP_PROVIDED",
        OnScreenBeforePayment = "ON_SCREEN_BEFORE_PAYMENT",
        OnScreenAfterPayment = "ON_SCREEN_AFTER_PAYMENT",
        OnPaper = "ON_PAPER",
        NoTip = "NO_TIP",
    }
}

wire_enum! {
    /// Where a signature is captured (`signatureEntryLocation`).
    DataEntryLocation {
        OnScreen = "ON_SCREEN",
        OnPaper = "ON_PAPER",
        None = "NONE",
    }
}

wire_enum! {
    /// `result` of a Payment.
    PaymentResult {
        Success = "SUCCESS",
        Fail = "FAIL",
        Initiated = "INITIATED",
        Voided = "VOIDED",
        Voiding = "VOIDING",
        VoidFailed = "VOID_FAILED",
        Auth = "AUTH",
        AuthCompleted = "AUTH_COMPLETED",
        Discount = "DISCOUNT",
    }
}

wire_enum! {
    /// `cardTransaction.state`.
    CardTransactionState {
        Pending = "PENDING",
        Closed = "CLOSED",
    }
}

wire_enum! {
    /// Printer category.
    PrintCategory {
        Order = "ORDER",
        Receipt = "RECEIPT",
        Fiscal = "FISCAL",
        Label = "LABEL",
    }
}

wire_enum! {
    /// Print job status.
    PrintJobStatus {
        InQueue = "IN_QUEUE",
        Printing = "PRINTING",
        Done = "DONE",
        Error = "ERROR",
        UnknownValue = "UNKNOWN",
        NotFound = "NOT_FOUND",
    }
}

wire_enum! {
    /// LOG_MESSAGE level (LogLevelEnum).
    LogLevel {
        Verbose = "VERBOSE",
        Debug = "DEBUG",
        Info = "INFO",
        Warn = "WARN",
        Error = "ERROR",
    }
}

wire_enum! {
    /// SDK-side class of a device error.
    ErrorType {
        Communication = "COMMUNICATION",
        Validation = "VALIDATION",
        Exception = "EXCEPTION",
    }
}

wire_enum! {
    /// SDK-side device error code (PROTOCOL.md §8.4).
    DeviceErrorEventCode {
        AbortEndpoint = "AbortEndpoint",
        AccessDenied = "AccessDenied",
        CancelIoFailed = "CancelIoFailed",
        DeviceAllreadyLocked = "DeviceAllreadyLocked",
        DeviceIoControl = "DeviceIoControl",
        DeviceNotFound = "DeviceNotFound",
        EndpointAllreadyLocked = "EndpointAllreadyLocked",
        GetDeviceKeyValueFailed = "GetDeviceKeyValueFailed",
        GetOverlappedResult = "GetOverlappedResult",
        GetString = "GetString",
        InsufficientMemory = "InsufficientMemory",
        Interrupted = "Interrupted",
        InvalidConfig = "InvalidConfig",
        InvalidEndpoint = "InvalidEndpoint",
        InvalidParam = "InvalidParam",
        IoCancelled = "IoCancelled",
        IoControlMessage = "IoControlMessage",
        IoEndpointGlobalCancelRedo = "IoEndpointGlobalCancelRedo",
        IoSyncFailed = "IoSyncFailed",
        IoTimedOut = "IoTimedOut",
        MonoApiError = "MonoApiError",
        None = "None",
        NotConnected = "NotConnected",
        NotSupported = "NotSupported",
        Ok = "Ok",
        Overflow = "Overflow",
        PipeError = "PipeError",
        ReadFailed = "ReadFailed",
        ReceiveThreadTerminated = "ReceiveThreadTerminated",
        ResourceBusy = "ResourceBusy",
        SendNotificationFailure = "SendNotificationFailure",
        SetDeviceKeyValueFailed = "SetDeviceKeyValueFailed",
        Success = "Success",
        UnknownError = "UnknownError",
        UserAborted = "UserAborted",
        Win32Error = "Win32Error",
        WriteFailed = "WriteFailed",
    }
}

wire_enum! {
    /// Card brand (`cardTransaction.cardType`).
    CardType {
        Visa = "VISA",
        Mc = "MC",
        Amex = "AMEX",
        Discover = "DISCOVER",
        DinersClub = "DINERS_CLUB",
        Jcb = "JCB",
        Maestro = "MAESTRO",
        Solo = "SOLO",
        Laser = "LASER",
        ChinaUnionPay = "CHINA_UNION_PAY",
        CarteBlanche = "CARTE_BLANCHE",
        UnknownValue = "UNKNOWN",
        GiftCard = "GIFT_CARD",
        Ebt = "EBT",
        Girocard = "GIROCARD",
        Interac = "INTERAC",
        Other = "OTHER",
    }
}

wire_enum! {
    /// How the card was read (`cardTransaction.entryType`).
    CardEntryType {
        Swiped = "SWIPED",
        Keyed = "KEYED",
        Voice = "VOICE",
        Vaulted = "VAULTED",
        OfflineSwiped = "OFFLINE_SWIPED",
        OfflineKeyed = "OFFLINE_KEYED",
        EmvContact = "EMV_CONTACT",
        EmvContactless = "EMV_CONTACTLESS",
        MsdContactless = "MSD_CONTACTLESS",
        PinpadManualEntry = "PINPAD_MANUAL_ENTRY",
        QrCode = "QR_CODE",
        Scanned = "SCANNED",
    }
}

wire_enum! {
    /// `cardTransaction.type`.
    CardTransactionType {
        Auth = "AUTH",
        Preauth = "PREAUTH",
        Preauthcapture = "PREAUTHCAPTURE",
        Adjust = "ADJUST",
        Void = "VOID",
        Voidreturn = "VOIDRETURN",
        Return = "RETURN",
        Refund = "REFUND",
        Nakedrefund = "NAKEDREFUND",
        Getbalance = "GETBALANCE",
        Batchclose = "BATCHCLOSE",
        Activate = "ACTIVATE",
        BalanceLock = "BALANCE_LOCK",
        Load = "LOAD",
        Cashout = "CASHOUT",
        CashoutActiveStatus = "CASHOUT_ACTIVE_STATUS",
        Redemption = "REDEMPTION",
        RedemptionUnlock = "REDEMPTION_UNLOCK",
        Reload = "RELOAD",
        CashAdvance = "CASH_ADVANCE",
        VoidCredit = "VOID_CREDIT",
        RefundCredit = "REFUND_CREDIT",
        InternetActivate = "INTERNET_ACTIVATE",
        TokenRequest = "TOKEN_REQUEST",
        Verification = "VERIFICATION",
    }
}

wire_enum! {
    /// `cardTransaction.gatewayTxState`.
    GatewayTxState {
        Initiated = "INITIATED",
        InitiatedOnAuth = "INITIATED_ON_AUTH",
        Acknowledged = "ACKNOWLEDGED",
        ConnectFailed = "CONNECT_FAILED",
        Timeout = "TIMEOUT",
        Failed = "FAILED",
        ReverseInitiated = "REVERSE_INITIATED",
        ReverseInitiatedOnAuth = "REVERSE_INITIATED_ON_AUTH",
        Reversed = "REVERSED",
        ReversalFailed = "REVERSAL_FAILED",
        External = "EXTERNAL",
    }
}

impl UiState {
    /// True when the SDK-side `DeviceEventState` has this value (it lacks the four idle screens).
    pub fn is_device_event_state(&self) -> bool {
        !matches!(
            self,
            UiState::WelcomeScreen
                | UiState::ThankyouScreen
                | UiState::DisplayMessage
                | UiState::DisplayOrder
        )
    }
}

impl ResultStatus {
    /// The generic SDK mapping of a `ResultStatus` to a `ResponseCode` (absent → FAIL).
    pub fn response_code(status: Option<&ResultStatus>) -> ResponseCode {
        match status {
            Some(ResultStatus::Success) => ResponseCode::Success,
            Some(ResultStatus::Cancel) => ResponseCode::Cancel,
            _ => ResponseCode::Fail,
        }
    }
}
